package dev.triage.cli;

import picocli.CommandLine.Command;

/** {@code triage certs}: TLS material for the webhook. */
@Command(name = "certs", description = "Create the CA and serving certificate the webhook presents.",
    subcommands = {CertsInitCommand.class})
final class CertsCommand {}
