package dev.triage.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.primitives.UnsignedLong;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.CelByteString;
import dev.cel.common.values.NullValue;
import dev.cel.runtime.CelEvaluationException;
import dev.triage.admission.JsonValues;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The CEL specification's own conformance tests (google/cel-spec's simple tests, as JSON lines in
 * {@code ../shared/cel-spec/}), every applicable case of the files that apply to Kubernetes'
 * environment, through both runtimes. Passes per file may only rise: the floor is
 * {@code src/test/resources/cel-spec-floor.tsv}. Where the compiled runtime and dev.cel differ,
 * docs/conformance.md says why.
 */
class CelSpecTest {
  static final Path CASES = Path.of("..", "shared", "cel-spec", "cases.jsonl");
  static final Path FLOOR = Path.of("src", "test", "resources", "cel-spec-floor.tsv");
  static final List<String> FILES = List.of("basic", "comparisons", "conversions", "fields", "fp_math", "integer_math",
      "lists", "logic", "macros", "macros2", "optionals", "parse", "plumbing", "string", "string_ext", "timestamps");

  /** Passes of one file: cases run, passed on the compiled runtime, passed on the interpreter. */
  static final class Count {
    int cases;
    int compiled;
    int interpreted;
    final List<String> compiledFailures = new ArrayList<>();
  }

  @Test
  void passesAtLeastTheFloorInEveryFile() throws IOException {
    assertTrue(Files.isRegularFile(CASES), "CEL specification cases missing: " + CASES.toAbsolutePath());
    CelEnvironment base = new CelEnvironment();
    Map<String, Count> counts = new TreeMap<>();
    for (String line : Files.readAllLines(CASES, StandardCharsets.UTF_8)) {
      @SuppressWarnings("unchecked")
      Map<String, Object> c = (Map<String, Object>) JsonValues.read(line.getBytes(StandardCharsets.UTF_8));
      String file = (String) c.get("file");
      if (!FILES.contains(file) || c.get("applicable") != Boolean.TRUE || c.containsKey("disableMacros")
          || c.containsKey("checkOnly") || !(c.get("expected") instanceof Map<?, ?> expected)
          || expected.containsKey("unknown") || expected.containsKey("anyUnknowns")) {
        continue;
      }
      Count count = counts.computeIfAbsent(file, f -> new Count());
      count.cases++;
      Outcome outcome = run(base, c);
      count.compiled += outcome.compiled ? 1 : 0;
      count.interpreted += outcome.interpreted ? 1 : 0;
      if (!outcome.compiled) {
        count.compiledFailures.add(c.get("id") + ": " + c.get("expr"));
      }
    }
    Map<String, Integer> floor = floor();
    StringBuilder table = new StringBuilder("file\tcases\tcompiled\tinterpreter\n");
    List<String> below = new ArrayList<>();
    counts.forEach((file, count) -> {
      table.append(file).append('\t').append(count.cases).append('\t').append(count.compiled).append('\t')
          .append(count.interpreted).append('\n');
      if (count.compiled < floor.getOrDefault(file, 0)) {
        below.add(file + ": " + count.compiled + " < floor " + floor.get(file) + "; failing: " + count.compiledFailures);
      }
    });
    System.out.print(table);
    assertEquals(List.of(), below, table::toString);
  }

  private static Map<String, Integer> floor() throws IOException {
    Map<String, Integer> floor = new TreeMap<>();
    for (String line : Files.readAllLines(FLOOR)) {
      if (!line.isBlank() && !line.startsWith("#")) {
        String[] parts = line.split("\t");
        floor.put(parts[0], Integer.parseInt(parts[1].trim()));
      }
    }
    return floor;
  }

  private record Outcome(boolean compiled, boolean interpreted) {}

  @SuppressWarnings("unchecked")
  private static Outcome run(CelEnvironment base, Map<String, Object> c) {
    Map<String, CelType> declared = new LinkedHashMap<>();
    for (Object entry : (List<Object>) c.getOrDefault("typeEnv", List.of())) {
      Map<String, Object> decl = (Map<String, Object>) entry;
      if (decl.containsKey("function")) {
        return new Outcome(false, false); // custom functions: not part of Triage's environment
      }
      declared.put((String) decl.get("name"), type(String.valueOf(decl.get("type"))));
    }
    Map<String, Object> bindings = new LinkedHashMap<>();
    ((Map<String, Object>) c.getOrDefault("bindings", Map.of())).forEach((name, typed) ->
        bindings.put(name, value(typed)));
    bindings.keySet().forEach(name -> declared.putIfAbsent(name, SimpleType.DYN));
    Expression expression;
    try {
      expression = (declared.isEmpty() ? base : base.withVariables(declared)).compile((String) c.get("expr"));
    } catch (CelValidationException | RuntimeException e) {
      return new Outcome(false, false);
    }
    Map<String, Object> expected = (Map<String, Object>) c.get("expected");
    dev.cel.runtime.CelVariableResolver resolver = name -> Optional.ofNullable(bindings.get(name));
    boolean compiled = expression.isCompiled() && matches(expected, () -> expression.eval(resolver, Long.MAX_VALUE / 2));
    boolean interpreted = matches(expected, () -> expression.interpret(resolver, Long.MAX_VALUE / 2));
    return new Outcome(compiled, interpreted);
  }

  private interface Evaluation {
    Object run() throws CelEvaluationException;
  }

  @SuppressWarnings("unchecked")
  private static boolean matches(Map<String, Object> expected, Evaluation evaluation) {
    Object result;
    try {
      result = evaluation.run();
    } catch (CelEvaluationException | RuntimeException e) {
      return expected.containsKey("evalError") || expected.containsKey("anyEvalErrors");
    }
    Object want = expected.get("value");
    if (expected.get("typedResult") instanceof Map<?, ?> typed) {
      if (!typed.containsKey("value")) {
        return true;
      }
      want = typed.get("value");
    }
    if (want == null) {
      return false;
    }
    Object value = value(want);
    return value != UNSUPPORTED && RuntimeDifferentialTest.same(result, value)
        || result instanceof Double d && value instanceof Double e && d.isNaN() && e.isNaN();
  }

  private static final Object UNSUPPORTED = new Object();

  @SuppressWarnings("unchecked")
  private static Object value(Object typed) {
    Map<String, Object> t = (Map<String, Object>) typed;
    Map.Entry<String, Object> e = t.entrySet().iterator().next();
    Object v = e.getValue();
    return switch (e.getKey()) {
      case "null" -> NullValue.NULL_VALUE;
      case "bool" -> v;
      case "int" -> Long.parseLong((String) v);
      case "uint" -> UnsignedLong.valueOf((String) v);
      case "double" -> switch ((String) v) {
        case "NaN" -> Double.NaN;
        case "Infinity" -> Double.POSITIVE_INFINITY;
        case "-Infinity" -> Double.NEGATIVE_INFINITY;
        default -> Double.parseDouble((String) v);
      };
      case "string" -> v;
      case "bytes" -> CelByteString.of(Base64.getDecoder().decode((String) v));
      case "list" -> ((List<Object>) v).stream().map(CelSpecTest::value).toList();
      case "map" -> {
        Map<Object, Object> map = new LinkedHashMap<>();
        for (Object pair : (List<Object>) v) {
          List<Object> kv = (List<Object>) pair;
          map.put(value(kv.get(0)), value(kv.get(1)));
        }
        yield map;
      }
      case "timestamp" -> Instant.parse((String) v);
      case "duration" -> java.time.Duration.parse("PT" + ((String) v).toUpperCase());
      default -> UNSUPPORTED;
    };
  }

  private static CelType type(String name) {
    return switch (name) {
      case "bool" -> SimpleType.BOOL;
      case "int" -> SimpleType.INT;
      case "uint" -> SimpleType.UINT;
      case "double" -> SimpleType.DOUBLE;
      case "string" -> SimpleType.STRING;
      case "bytes" -> SimpleType.BYTES;
      case "null_type" -> SimpleType.NULL_TYPE;
      case "google.protobuf.Timestamp" -> SimpleType.TIMESTAMP;
      case "google.protobuf.Duration" -> SimpleType.DURATION;
      default -> name.startsWith("list(") ? ListType.create(SimpleType.DYN)
          : name.startsWith("map(") ? MapType.create(SimpleType.DYN, SimpleType.DYN) : SimpleType.DYN;
    };
  }
}
