package dev.triage.cli;

import dev.triage.rules.RuleError;
import dev.triage.rules.RuleFiles;
import dev.triage.rules.RuleSnapshot;
import dev.triage.offline.CaseResult;
import dev.triage.offline.RuleTestRunner;
import dev.triage.yaml.SourceDocument;
import dev.triage.yaml.YamlException;
import dev.triage.yaml.YamlReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code triage test <dir>}: runs the cases in {@code <dir>/tests/} against the rules in {@code <dir>}. */
@Command(name = "test", description = "Run the rule test cases in <dir>/tests/ against the rules in <dir>.")
final class TestCommand implements Callable<Integer> {
  @Parameters(index = "0", defaultValue = "rules", description = "rules directory (default: rules)")
  Path rules;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    RuleSnapshot snapshot = RuleDirectory.load(rules, err);
    List<RuleError> problems = new ArrayList<>();
    List<SourceDocument> tests = new ArrayList<>();
    Path testDir = rules.resolve("tests");
    for (Path file : Files.isDirectory(testDir) ? RuleFiles.list(testDir, problems) : List.<Path>of()) {
      try {
        tests.addAll(YamlReader.read(file.toString(), Files.readString(file)));
      } catch (YamlException e) {
        err.println(e.getMessage());
        return 1;
      } catch (IOException e) {
        err.println(file + ": cannot read: " + e.getMessage());
        return 1;
      }
    }
    List<CaseResult> results = RuleTestRunner.run(snapshot, tests);
    int width = results.stream().mapToInt(r -> r.test().length()).max().orElse(4);
    out.printf("%-6s %-" + width + "s  %-6s  %s%n", "RESULT", "RULE", "EXPECT", "CASE");
    for (CaseResult result : results) {
      out.printf("%-6s %-" + width + "s  %-6s  %s%n", result.passed() ? "PASS" : "FAIL", result.test(),
          result.expected(), result.name());
      if (!result.passed()) {
        out.printf("       %s: %s%n", result.file(), result.problem());
      }
    }
    long failed = results.stream().filter(r -> !r.passed()).count();
    out.printf("%d passed, %d failed%n", results.size() - failed, failed);
    if (results.isEmpty()) {
      err.println("no test cases found in " + testDir);
    }
    return failed == 0 && !results.isEmpty() && snapshot.errors().isEmpty() ? 0 : 1;
  }
}
