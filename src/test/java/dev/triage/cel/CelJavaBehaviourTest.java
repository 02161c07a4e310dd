package dev.triage.cel;

import static dev.triage.cel.TestCel.eval;
import static dev.triage.cel.TestCel.evalError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cel.common.exceptions.CelInvalidArgumentException;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelUnknownSet;
import dev.cel.common.values.NullValue;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Pins CEL-Java 0.14 behaviour that matters for Kubernetes conformance. */
class CelJavaBehaviourTest {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.USE_LONG_FOR_INTS);

  @Test
  void stringOfNumbersUsesJavaFormatting() {
    assertEquals("0.1", eval("string(0.1)"));
    assertEquals("5", eval("string(5)"));
    // cel-go prints these as "1", "1e+20" and "1e-07"; CEL-Java uses Double.toString.
    assertEquals("1.0", eval("string(1.0)"));
    assertEquals("1.0E20", eval("string(1e20)"));
    assertEquals("1.0E-7", eval("string(1e-7)"));
    assertEquals("1.0E7", eval("string(10000000.0)"));
    assertEquals("1000000.0", eval("string(1000000.0)"));
  }

  @Test
  void javaNullIsAnUnknownNotCelNull() throws Exception {
    Object raw = JSON.readValue("{\"spec\":{\"x\":null}}", Object.class);
    Map<String, Object> vars = new HashMap<>();
    vars.put("object", raw);
    vars.put("params", null);
    assertInstanceOf(CelUnknownSet.class, eval("object.spec.x == null", vars));
    assertInstanceOf(CelUnknownSet.class, eval("params == null", vars));
    assertInstanceOf(CelUnknownSet.class, eval("has(params.x)", vars));

    vars.put("object", json("{\"spec\":{\"x\":null}}"));
    vars.put("params", NullValue.NULL_VALUE);
    assertEquals(true, eval("object.spec.x == null", vars));
    assertEquals(true, eval("params == null", vars));
    assertEquals(false, eval("has(params.x)", vars));
  }

  /** A map that computes values on demand, like lazily evaluated policy variables. */
  private static final class LazyVariables extends AbstractMap<String, Object> {
    final List<String> calls = new ArrayList<>();

    @Override
    public boolean containsKey(Object key) {
      calls.add("containsKey:" + key);
      return true;
    }

    @Override
    public Object get(Object key) {
      calls.add("get:" + key);
      switch ((String) key) {
        case "celError":
          throw new CelInvalidArgumentException("variable celError failed");
        case "javaError":
          throw new IllegalStateException("variable javaError failed");
        default:
          return "value-of-" + key;
      }
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      throw new UnsupportedOperationException("lazy variables cannot be enumerated");
    }
  }

  @Test
  void lazyMapIsQueriedPerSelection() {
    LazyVariables variables = new LazyVariables();
    assertEquals("value-of-foo", eval("variables.foo", Map.of("variables", variables)));
    // CEL-Java asks containsKey first, then get: a lazy map must answer containsKey without entrySet.
    assertEquals(List.of("containsKey:foo", "get:foo"), variables.calls);
  }

  @Test
  void exceptionsFromLazyMapAreAbsorbedByLogicalOperators() {
    for (String name : new String[] {"celError", "javaError"}) {
      LazyVariables variables = new LazyVariables();
      Map<String, Object> vars = Map.of("variables", variables);
      assertEquals(true, eval("variables." + name + " || true", vars));
      assertEquals(true, eval("true || variables." + name, vars));
      assertEquals(false, eval("variables." + name + " && false", vars));
      assertEquals(true, eval("variables." + name + " == 'x' || variables.foo == 'value-of-foo'", vars));
      CelEvaluationException e = evalError("variables." + name, vars);
      assertTrue(e.getMessage().contains("variable " + name + " failed"), e.getMessage());
      assertTrue(evalError("variables." + name + " || false", vars).getMessage().contains(name));
    }
  }

  @Test
  void shortCircuitSkipsTheLazyLookup() {
    LazyVariables variables = new LazyVariables();
    assertEquals(true, eval("true || variables.javaError", Map.of("variables", variables)));
    assertEquals(List.of(), variables.calls);
  }

  @Test
  void optionalSyntaxWorksOnJacksonMaps() throws Exception {
    Object object = json("{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{\"replicas\":3}}");
    Map<String, Object> vars = Map.of("object", object);
    assertEquals(3L, eval("object.spec.?replicas.orValue(1)", vars));
    assertEquals(1L, eval("object.spec.?paused.orValue(1)", vars));
    assertEquals(Optional.of("web"), eval("object.?metadata.?labels[?'app']", vars));
    assertEquals(Optional.empty(), eval("object.?metadata.?annotations[?'app']", vars));
    assertEquals("none", eval("object.?metadata.?labels[?'tier'].orValue('none')", vars));
    assertEquals(List.of(3L), eval("[?object.spec.?replicas, ?object.spec.?paused]", vars));
    assertEquals(true, eval("object.?spec.?replicas.hasValue()", vars));
  }

  /** Parses JSON as the engine does (JSON null as CEL null). */
  private static Object json(String text) throws java.io.IOException {
    return dev.triage.admission.JsonValues.read(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
