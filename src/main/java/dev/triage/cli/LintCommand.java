package dev.triage.cli;

import dev.triage.exceptions.Expiry;
import dev.triage.rules.RuleSnapshot;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code triage lint <dir>}: every problem in every rule file, with file:line:column, and a
 * warning for each exception that has lapsed or lapses within two weeks.
 */
@Command(name = "lint", description = "Check rule files; print every problem with file:line:column.")
final class LintCommand implements Callable<Integer> {
  @Parameters(index = "0", defaultValue = "rules", description = "rules directory or file (default: rules)")
  Path rules;

  @Spec
  CommandSpec spec;

  private final Clock clock;

  LintCommand(Clock clock) {
    this.clock = clock;
  }

  LintCommand() {
    this(Clock.systemUTC());
  }

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    long started = System.nanoTime();
    RuleSnapshot snapshot = RuleDirectory.load(rules, clock, spec.commandLine().getErr());
    long millis = (System.nanoTime() - started) / 1_000_000;
    var err = spec.commandLine().getErr();
    new Expiry(clock).notices(snapshot.exceptions()).forEach(notice -> err.println("warning: " + notice));
    err.flush();
    out.printf("%s: %d policies, %d bindings, %d param objects, %d exceptions, %d problems%n", rules,
        snapshot.policyCount(),
        java.util.stream.Stream.concat(snapshot.validating().stream(), snapshot.mutating().stream())
            .filter(b -> !b.binding().implicit()).count(), snapshot.params().size(),
        snapshot.exceptions().all().size(), snapshot.errors().size());
    out.printf("%s: %s, in %d ms%n", rules, snapshot.runtimes(), millis);
    for (var expression : snapshot.expressions()) {
      if (!expression.isCompiled()) {
        out.printf("  interpreted (%s): %s%n", expression.fallbackReason(), expression.text());
      }
    }
    return snapshot.errors().isEmpty() ? 0 : 1;
  }
}
