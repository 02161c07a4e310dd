package dev.triage.cli;

import dev.triage.rules.CelEnvironment;
import dev.triage.rules.RuleCompiler;
import dev.triage.rules.RuleError;
import dev.triage.rules.RuleFiles;
import dev.triage.rules.RuleSnapshot;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;

/** Loads a rules directory for a command, printing every problem as file:line:column. */
final class RuleDirectory {
  private RuleDirectory() {}

  static RuleSnapshot load(Path rules, PrintWriter err) {
    return load(rules, Clock.systemUTC(), err);
  }

  /** @param clock the time exceptions are judged at */
  static RuleSnapshot load(Path rules, Clock clock, PrintWriter err) {
    RuleSnapshot snapshot = RuleFiles.load(rules, new RuleCompiler(new CelEnvironment(), clock));
    for (RuleError error : snapshot.errors()) {
      err.println(error);
    }
    err.flush();
    return snapshot;
  }
}
