package dev.triage.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code triage}: the webhook server and the offline tools for rule authors, over one engine. */
@Command(name = "triage", mixinStandardHelpOptions = true, version = "triage 0.1.0",
    description = "Kubernetes admission webhook: CEL admission policies for clusters that hold patient data.",
    subcommands = {ServeCommand.class, CheckCommand.class, LintCommand.class, TestCommand.class, ConformanceCommand.class,
        ExceptionsCommand.class,
        CertsCommand.class, CommandLine.HelpCommand.class})
public final class Main {
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  public static CommandLine commandLine() {
    return new CommandLine(new Main());
  }
}
