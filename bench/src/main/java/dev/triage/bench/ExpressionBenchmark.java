package dev.triage.bench;

import dev.cel.runtime.CelVariableResolver;
import dev.triage.admission.JsonValues;
import dev.triage.rules.CelEnvironment;
import dev.triage.rules.Expression;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Single expressions, on the compiled runtime and on dev.cel's interpreter, so the speed-up per
 * node is visible apart from parsing, matching and the response.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ExpressionBenchmark {
  private static final Map<String, String> EXPRESSIONS = Map.of(
      "field", "object.spec.template.metadata.labels['app'] == 'ehr'",
      "comprehension", "object.spec.template.spec.containers.all(c, has(c.resources) && has(c.resources.limits))",
      "regex", "object.spec.template.spec.containers.exists(c, c.name.matches('^[a-z][-a-z0-9]*$'))",
      "quantity", "quantity(object.spec.template.spec.containers[0].resources.limits.memory)"
          + ".compareTo(quantity('2Gi')) <= 0");

  @Param({"field", "comprehension", "regex", "quantity"})
  public String expression;

  @Param({"compiled", "interpreter"})
  public String runtime;

  private Expression compiled;
  private CelVariableResolver variables;

  @Setup
  public void setUp() throws Exception {
    CelEnvironment cel = runtime.equals("interpreter") ? CelEnvironment.interpreterOnly() : new CelEnvironment();
    compiled = cel.compile(EXPRESSIONS.get(expression));
    Object object = JsonValues.read("""
        {"kind": "Deployment", "metadata": {"name": "ehr"}, "spec": {"template": {"metadata": {"labels": {"app": "ehr"}},
         "spec": {"containers": [
          {"name": "api", "resources": {"requests": {"cpu": "250m"}, "limits": {"memory": "1Gi"}}},
          {"name": "fhir-gateway", "resources": {"limits": {"memory": "512Mi"}}},
          {"name": "audit", "resources": {"limits": {"memory": "128Mi"}}}]}}}}""".getBytes(StandardCharsets.UTF_8));
    variables = name -> Optional.ofNullable(name.equals("object") ? object : null);
    if (!Boolean.TRUE.equals(compiled.eval(variables, Long.MAX_VALUE / 2))) {
      throw new IllegalStateException(expression + " is not true on the benchmark's object");
    }
  }

  @Benchmark
  public Object eval() throws Exception {
    return compiled.eval(variables, Long.MAX_VALUE / 2);
  }
}
