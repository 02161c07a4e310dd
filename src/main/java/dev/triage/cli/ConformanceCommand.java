package dev.triage.cli;

import dev.triage.conformance.ConformanceRunner;
import dev.triage.rules.CelEnvironment;
import dev.triage.rules.RuleCompiler;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code triage conformance <file.jsonl>}: agreement with the reference implementation's verdicts. */
@Command(name = "conformance",
    description = "Run outside ValidatingAdmissionPolicy cases (JSON lines) and report agreement per source.")
final class ConformanceCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "cases, one JSON object per line")
  Path cases;

  @Option(names = "--floor", description = "file holding the least number of agreeing cases; fail below it")
  Path floor;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    ConformanceRunner.Report report = new ConformanceRunner(new RuleCompiler(new CelEnvironment())).run(cases);
    for (ConformanceRunner.Tally tally : report.sources()) {
      out.printf("%-12s %4d/%4d agree (%.2f%%)%n", tally.source(), tally.agreed(), tally.cases(),
          100.0 * tally.agreed() / tally.cases());
      for (String disagreement : tally.disagreements()) {
        out.println("  disagrees: " + disagreement);
      }
    }
    out.printf("%-12s %4d/%4d agree (%.2f%%)%n", "total", report.agreed(), report.cases(),
        report.cases() == 0 ? 0.0 : 100.0 * report.agreed() / report.cases());
    if (floor != null) {
      int least = Integer.parseInt(Files.readString(floor).strip());
      if (report.agreed() < least) {
        spec.commandLine().getErr().printf("conformance dropped: %d cases agree, %s requires at least %d%n",
            report.agreed(), floor, least);
        return 1;
      }
    }
    return 0;
  }
}
