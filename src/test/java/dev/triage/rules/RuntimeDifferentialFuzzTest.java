package dev.triage.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cel.common.CelErrorCode;
import dev.cel.common.CelValidationException;
import dev.cel.common.values.NullValue;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelVariableResolver;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Differential fuzzing of the compiled runtime against dev.cel's interpreter: well-typed
 * expressions generated from a grammar over the environment's functions (macros, optionals,
 * strings, regexes, quantities, lists) over generated JSON-like objects, or any expression text
 * (seeded with the shipped rules' expressions); both runtimes must agree, but for the differences
 * docs/conformance.md lists as deliberate.
 */
class RuntimeDifferentialFuzzTest {
  private static final RuntimeDifferentialTest.Tally TALLY = new RuntimeDifferentialTest.Tally();
  private static final CelEnvironment CEL = CelEnvironment.comparing(TALLY);
  private static final long NO_DEADLINE = Long.MAX_VALUE / 2;

  @FuzzTest
  void bothRuntimesAgree(FuzzedDataProvider data) {
    boolean fromText = data.consumeBoolean();
    Map<String, Object> object = fromText ? deployment() : object(data, 3);
    String text = fromText ? data.consumeRemainingAsString() : new Grammar(data).bool(4);
    Expression expression;
    try {
      expression = CEL.compile(text);
    } catch (CelValidationException | RuntimeException e) {
      return; // not a valid expression: the checker's business, not the runtimes'
    }
    Map<String, Object> variables = new LinkedHashMap<>();
    variables.put("object", object);
    variables.put("oldObject", NullValue.NULL_VALUE);
    variables.put("params", NullValue.NULL_VALUE);
    variables.put("namespaceObject", NullValue.NULL_VALUE);
    variables.put("request", Map.of("operation", "CREATE", "namespace", "default"));
    variables.put("variables", Map.of());
    variables.put("cluster", Map.of());
    CelVariableResolver resolver = name -> Optional.ofNullable(variables.get(name));
    Object compiled;
    Object interpreted;
    try {
      compiled = expression.isCompiled() ? expression.compiled().eval(resolver, NO_DEADLINE) : null;
    } catch (CelEvaluationException e) {
      compiled = e;
    }
    try {
      interpreted = expression.interpret(resolver, NO_DEADLINE);
    } catch (CelEvaluationException e) {
      interpreted = e;
    }
    if (!expression.isCompiled() || RuntimeDifferentialTest.same(compiled, interpreted)
        || deliberate(text, compiled, interpreted)) {
      return;
    }
    assertEquals(String.valueOf(interpreted), String.valueOf(compiled), text + "\n  over " + object);
  }

  /** The differences docs/conformance.md lists: where the compiled runtime behaves as Kubernetes' cel-go does. */
  private static boolean deliberate(String text, Object compiled, Object interpreted) {
    // MinInt64 % -1 overflows in cel-go; dev.cel answers 0 (and goes on with it): the overflow is at a %
    if (compiled instanceof CelEvaluationException e && e.getErrorCode() == CelErrorCode.NUMERIC_OVERFLOW
        && !(interpreted instanceof CelEvaluationException)) {
      java.util.regex.Matcher at = java.util.regex.Pattern.compile("at <input>:(\\d+):").matcher(e.getMessage());
      if (at.find() && Integer.parseInt(at.group(1)) < text.codePointCount(0, text.length())
          && text.codePointAt(text.offsetByCodePoints(0, Integer.parseInt(at.group(1)))) == '%') {
        return true;
      }
    }
    // a non-bool operand of && or || is an error value that the other operand may absorb (cel-go)
    if (interpreted instanceof CelEvaluationException e && e.getMessage().contains("expected boolean value")) {
      return true;
    }
    // a.?f on a value that is not a map is optional.none() in cel-go, an error in dev.cel
    if (interpreted instanceof CelEvaluationException e && e.getMessage().contains("Field selections must")
        && !(compiled instanceof CelEvaluationException)) {
      return true;
    }
    // string(double) is written as Go writes it ("1", "1e+20")
    return compiled instanceof String && interpreted instanceof String s && s.matches("-?\\d+\\.\\d+(E-?\\d+)?");
  }

  /** What the shipped rules read: a Deployment with containers, env, probes and a security context. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> deployment() {
    try {
      return (Map<String, Object>) dev.triage.admission.JsonValues.read("""
          {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "ehr", "namespace": "records",
           "labels": {"app": "ehr", "sidecar.istio.io/inject": "true"}, "annotations": {"note": "x"}},
           "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "ehr"}}, "template": {"metadata":
           {"labels": {"app": "ehr"}, "annotations": {"vault.hashicorp.com/agent-inject": "true"}}, "spec":
           {"securityContext": {"runAsNonRoot": true}, "containers": [{"name": "api", "image": "ehr:1",
           "env": [{"name": "DB", "value": "pw"}, {"name": "TOKEN", "valueFrom": {"secretKeyRef": {"name": "t",
           "key": "k"}}}], "resources": {"requests": {"cpu": "250m", "memory": "256Mi"}, "limits": {"memory": "1Gi"}},
           "readinessProbe": {"httpGet": {"path": "/ready", "port": 8080}}, "securityContext": {"privileged": false,
           "allowPrivilegeEscalation": false}}, {"name": "audit", "image": "audit:2", "securityContext": null}],
           "volumes": [{"name": "s", "secret": {"secretName": "db"}}]}}}}""".getBytes(
          java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Map<String, Object> object(FuzzedDataProvider data, int depth) {
    Map<String, Object> map = new LinkedHashMap<>();
    int entries = data.consumeInt(0, 4);
    for (int i = 0; i < entries; i++) {
      map.put(Grammar.KEYS[data.consumeInt(0, Grammar.KEYS.length - 1)], value(data, depth - 1));
    }
    return map;
  }

  private static Object value(FuzzedDataProvider data, int depth) {
    return switch (data.consumeInt(0, depth > 0 ? 7 : 4)) {
      case 0 -> data.consumeLong(-5, 5);
      case 1 -> data.consumeLong();
      case 2 -> data.pickValue(Grammar.STRINGS);
      case 3 -> data.consumeBoolean();
      case 4 -> NullValue.NULL_VALUE;
      case 5 -> object(data, depth);
      case 6 -> {
        List<Object> list = new ArrayList<>();
        int n = data.consumeInt(0, 4);
        for (int i = 0; i < n; i++) {
          list.add(data.consumeLong(-3, 3));
        }
        yield list;
      }
      default -> {
        List<Object> list = new ArrayList<>();
        int n = data.consumeInt(0, 3);
        for (int i = 0; i < n; i++) {
          list.add(object(data, depth - 1));
        }
        yield list;
      }
    };
  }

  /** Expressions by the type they yield, so that most of what is generated type-checks. */
  private static final class Grammar {
    static final String[] KEYS = {"a", "b", "n", "s", "l", "m"};
    static final String[] STRINGS = {"", "a", "ab", "B", "web-1", "é", "10Mi", "250m", "x.y", "Ünï"};
    private final FuzzedDataProvider data;

    Grammar(FuzzedDataProvider data) {
      this.data = data;
    }

    private String field() {
      return KEYS[data.consumeInt(0, KEYS.length - 1)];
    }

    private String dyn(int depth) {
      String path = "object." + field() + (data.consumeBoolean() ? "." + field() : "");
      return switch (data.consumeInt(0, 4)) {
        case 0 -> path;
        case 1 -> "object['" + field() + "']";
        case 2 -> "object.?" + field() + ".orValue(" + integer(depth - 1) + ")";
        case 3 -> "dyn(" + integer(depth - 1) + ")";
        default -> "podTemplate(object)";
      };
    }

    String bool(int depth) {
      if (depth <= 0) {
        return data.consumeBoolean() ? "true" : "false";
      }
      return switch (data.consumeInt(0, 17)) {
        case 0 -> integer(depth - 1) + " < " + integer(depth - 1);
        case 1 -> integer(depth - 1) + " == " + integer(depth - 1);
        case 2 -> string(depth - 1) + " == " + string(depth - 1);
        case 3 -> string(depth - 1) + "." + data.pickValue(new String[] {"startsWith", "endsWith", "contains"}) + "("
            + string(depth - 1) + ")";
        case 4 -> string(depth - 1) + ".matches('" + data.pickValue(new String[] {"^[a-z]+$", "b", "^$", "[0-9]"}) + "')";
        case 5 -> "!" + bool(depth - 1);
        case 6 -> "(" + bool(depth - 1) + " && " + bool(depth - 1) + ")";
        case 7 -> "(" + bool(depth - 1) + " || " + bool(depth - 1) + ")";
        case 8 -> "has(object." + field() + (data.consumeBoolean() ? "." + field() : "") + ")";
        case 9 -> list(depth - 1) + ".exists(x, x > " + integer(depth - 1) + ")";
        case 10 -> list(depth - 1) + ".all(x, x != " + integer(depth - 1) + ")";
        case 11 -> list(depth - 1) + ".exists_one(x, x == " + integer(depth - 1) + ")";
        case 12 -> integer(depth - 1) + " in " + list(depth - 1);
        case 13 -> string(depth - 1) + " in ['a', 'web-1', '']";
        case 14 -> "object.?" + field() + ".hasValue()";
        case 15 -> "(" + bool(depth - 1) + " ? " + bool(depth - 1) + " : " + bool(depth - 1) + ")";
        case 16 -> dyn(depth - 1) + " == " + dyn(depth - 1);
        default -> "isQuantity(" + string(depth - 1) + ") && quantity(" + string(depth - 1) + ").compareTo(quantity('"
            + data.pickValue(new String[] {"1", "100m", "1Gi"}) + "')) < 0";
      };
    }

    String integer(int depth) {
      if (depth <= 0) {
        return data.pickValue(new String[] {"0", "1", "-1", "7", "9223372036854775807", "-9223372036854775807"});
      }
      return switch (data.consumeInt(0, 9)) {
        case 0 -> "(" + integer(depth - 1) + " + " + integer(depth - 1) + ")";
        case 1 -> "(" + integer(depth - 1) + " - " + integer(depth - 1) + ")";
        case 2 -> "(" + integer(depth - 1) + " * " + integer(depth - 1) + ")";
        case 3 -> "(" + integer(depth - 1) + " / " + integer(depth - 1) + ")";
        // A constant divisor: MinInt64 % -1 is a deliberate difference that && and || can carry anywhere.
        case 4 -> "(" + integer(depth - 1) + " % " + data.pickValue(new String[] {"2", "7", "9223372036854775807"}) + ")";
        case 5 -> "size(" + (data.consumeBoolean() ? string(depth - 1) : list(depth - 1)) + ")";
        case 6 -> list(depth - 1) + "[" + integer(depth - 1) + "]";
        case 7 -> "int(" + string(depth - 1) + ")";
        case 8 -> "(" + bool(depth - 1) + " ? " + integer(depth - 1) + " : " + integer(depth - 1) + ")";
        default -> "int(" + dyn(depth - 1) + ")";
      };
    }

    String string(int depth) {
      if (depth <= 0) {
        return "'" + data.pickValue(STRINGS) + "'";
      }
      return switch (data.consumeInt(0, 6)) {
        case 0 -> string(depth - 1) + " + " + string(depth - 1);
        case 1 -> "string(" + integer(depth - 1) + ")";
        case 2 -> string(depth - 1) + "." + data.pickValue(new String[] {"lowerAscii()", "upperAscii()", "trim()"});
        case 3 -> string(depth - 1) + ".replace('a', " + string(depth - 1) + ")";
        case 4 -> "['x', " + string(depth - 1) + "].join('-')";
        case 5 -> "string(" + dyn(depth - 1) + ")";
        default -> "'" + data.pickValue(STRINGS) + "'";
      };
    }

    String list(int depth) {
      if (depth <= 0) {
        return "[1, 2, 3]";
      }
      return switch (data.consumeInt(0, 4)) {
        case 0 -> "[" + integer(depth - 1) + ", " + integer(depth - 1) + "]";
        case 1 -> list(depth - 1) + " + " + list(depth - 1);
        case 2 -> list(depth - 1) + ".map(y, y * 2)";
        case 3 -> list(depth - 1) + ".filter(y, y > " + integer(depth - 1) + ")";
        default -> "object.l";
      };
    }
  }
}
