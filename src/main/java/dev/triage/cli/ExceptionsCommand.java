package dev.triage.cli;

import dev.triage.exceptions.Expiry;
import dev.triage.exceptions.PolicyException;
import dev.triage.exceptions.PolicyTarget;
import dev.triage.rules.RuleSnapshot;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code triage exceptions <dir>}: every exception beside the rules, soonest to lapse first, with days left. */
@Command(name = "exceptions", description = "List the exceptions in a rules directory with the days each has left.")
final class ExceptionsCommand implements Callable<Integer> {
  @Parameters(index = "0", defaultValue = "rules", description = "rules directory or file (default: rules)")
  Path rules;

  @Spec
  CommandSpec spec;

  private final Clock clock;

  ExceptionsCommand(Clock clock) {
    this.clock = clock;
  }

  ExceptionsCommand() {
    this(Clock.systemUTC());
  }

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    RuleSnapshot snapshot = RuleDirectory.load(rules, clock, spec.commandLine().getErr());
    Expiry expiry = new Expiry(clock);
    List<PolicyException> exceptions = snapshot.exceptions().all().stream()
        .sorted(java.util.Comparator.comparing(PolicyException::expires)).toList();
    String format = "%-28s %-10s %9s  %-40s %-20s %-12s %s%n";
    out.printf(format, "NAME", "EXPIRES", "DAYS LEFT", "POLICIES", "APPROVED BY", "TICKET", "FILE");
    for (PolicyException exception : exceptions) {
      long days = expiry.daysLeft(exception);
      out.printf(format, exception.name(), exception.expiresAsWritten(), days < 0 ? "expired" : String.valueOf(days),
          exception.policies().stream().map(ExceptionsCommand::describe).collect(Collectors.joining(",")),
          dash(exception.approvedBy()), dash(exception.ticket()), exception.place());
    }
    out.printf("%d exceptions, %d expired, %d problems%n", exceptions.size(),
        exceptions.stream().filter(e -> !e.activeAt(clock.instant())).count(), snapshot.errors().size());
    return snapshot.errors().isEmpty() ? 0 : 1;
  }

  /** "require-pdb" for a whole policy, "restricted-security-context[0,2]" for some of its validations. */
  private static String describe(PolicyTarget target) {
    if (target.wholePolicy()) {
      return target.policy();
    }
    List<String> parts = new java.util.ArrayList<>();
    target.indexes().stream().sorted().forEach(i -> parts.add(String.valueOf(i)));
    target.messages().stream().sorted().forEach(m -> parts.add('"' + m + '"'));
    return target.policy() + "[" + String.join(",", parts) + "]";
  }

  private static String dash(String value) {
    return value.isEmpty() ? "-" : value;
  }
}
