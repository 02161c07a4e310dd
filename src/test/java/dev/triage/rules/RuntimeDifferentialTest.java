package dev.triage.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cel.runtime.CelEvaluationException;
import dev.triage.conformance.ConformanceRunner;
import dev.triage.offline.CaseResult;
import dev.triage.offline.RuleTestRunner;
import dev.triage.yaml.SourceDocument;
import dev.triage.yaml.YamlReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The compiled runtime against dev.cel's interpreter, on real inputs: every expression that the
 * shipped rules' test cases and the outside conformance cases evaluate runs on both, over the
 * same variables, and must give the same value (same type) or an error on both.
 */
class RuntimeDifferentialTest {
  static final Path CONFORMANCE = Path.of("..", "shared", "conformance", "vap-cases.jsonl");

  /** Collects every comparison and every expression left to the interpreter. */
  static final class Tally implements RuntimeComparison {
    int compared;
    final List<String> differences = new ArrayList<>();
    final List<String> interpreted = new ArrayList<>();

    @Override
    public synchronized void compared(String expression, Object compiled, Object interpreted) {
      compared++;
      if (!same(compiled, interpreted)) {
        differences.add(expression + "\n    compiled:    " + describe(compiled) + "\n    interpreted: "
            + describe(interpreted));
      }
    }

    @Override
    public synchronized void interpreted(String expression, String reason) {
      interpreted.add(reason + ": " + expression);
    }

    private static String describe(Object value) {
      return value instanceof CelEvaluationException e ? "error " + e.getMessage()
          : value + " (" + (value == null ? "null" : value.getClass().getSimpleName()) + ")";
    }
  }

  /** Equal values of the same types, or errors on both sides. */
  static boolean same(Object a, Object b) {
    if (a instanceof CelEvaluationException || b instanceof CelEvaluationException) {
      return a instanceof CelEvaluationException && b instanceof CelEvaluationException;
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      Iterator<?> other = y.iterator();
      return x.stream().allMatch(element -> same(element, other.next()));
    }
    if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
      return x.keySet().equals(y.keySet()) && x.entrySet().stream().allMatch(e -> same(e.getValue(), y.get(e.getKey())));
    }
    if (a instanceof java.util.Optional<?> x && b instanceof java.util.Optional<?> y) {
      return x.isPresent() == y.isPresent() && (x.isEmpty() || same(x.get(), y.get()));
    }
    return a != null && b != null && a.getClass() == b.getClass() && Objects.equals(a, b);
  }

  @Test
  void theShippedRulesDecideTheirTestCasesAlikeOnBothRuntimes() throws Exception {
    Tally tally = new Tally();
    RuleSnapshot rules = RuleFiles.load(Path.of("rules"), new RuleCompiler(CelEnvironment.comparing(tally)));
    assertEquals(List.of(), rules.errors());
    List<SourceDocument> tests = new ArrayList<>();
    try (Stream<Path> files = Files.list(Path.of("rules", "tests"))) {
      for (Path file : files.sorted().toList()) {
        tests.addAll(YamlReader.read(file.toString(), Files.readString(file)));
      }
    }
    List<CaseResult> results = RuleTestRunner.run(rules, tests);

    assertTrue(results.stream().allMatch(CaseResult::passed), () -> "a rule test failed: " + results);
    assertEquals(List.of(), tally.interpreted, "every shipped expression runs compiled");
    assertEquals(List.of(), tally.differences);
    assertTrue(tally.compared > 1_000, "compared " + tally.compared + " evaluations");
  }

  @Test
  void theConformanceCasesEvaluateAlikeOnBothRuntimes() throws IOException {
    assertTrue(Files.isRegularFile(CONFORMANCE), "conformance cases missing: " + CONFORMANCE.toAbsolutePath());
    Tally tally = new Tally();
    ConformanceRunner.Report report = new ConformanceRunner(new RuleCompiler(CelEnvironment.comparing(tally)))
        .run(CONFORMANCE);

    assertEquals(report.cases(), report.agreed(), () -> "disagreements: " + report.sources());
    assertEquals(List.of(), tally.interpreted, "every conformance expression runs compiled");
    assertEquals(List.of(), tally.differences);
    assertTrue(tally.compared > 3_000, "compared " + tally.compared + " evaluations");
  }
}
