package dev.triage.cli;

import dev.triage.certs.CertificateAuthority;
import dev.triage.certs.CertificateDirectory;
import dev.triage.certs.KeyAlgorithm;
import dev.triage.certs.ServingCertificate;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code triage certs init}: a CA and a serving certificate for the webhook Service, as PEM files. */
@Command(name = "init", description = {
    "Create a CA and a serving certificate signed by it: ca.crt, ca.key, tls.crt, tls.key (keys 0600).",
    "Put ca.crt (base64) in the webhook configurations' caBundle; serve with --cert tls.crt --key tls.key."})
final class CertsInitCommand implements Callable<Integer> {
  static final String CA_COMMON_NAME = "Triage webhook CA";

  @Option(names = "--out", required = true, description = "directory to write the files to (created 0700)")
  Path out;

  @Option(names = "--dns", description = "DNS name clients connect to, e.g. triage.triage-system.svc (repeatable)")
  List<String> dnsNames = new ArrayList<>();

  @Option(names = "--ip", description = "IP address clients connect to (repeatable)")
  List<String> ipAddresses = new ArrayList<>();

  @Option(names = "--days", defaultValue = "365",
      description = "validity of the serving certificate in days (default: ${DEFAULT-VALUE})")
  int days;

  @Option(names = "--ca-days", defaultValue = "3650",
      description = "validity of the CA in days; must exceed --days (default: ${DEFAULT-VALUE})")
  int caDays;

  @Option(names = "--key-algorithm", defaultValue = "ecdsa-p256", converter = KeyAlgorithmConverter.class,
      description = "ecdsa-p256, rsa-2048 or rsa-3072 (default: ${DEFAULT-VALUE})")
  KeyAlgorithm algorithm;

  @Option(names = "--force", description = "replace certificate files that exist in --out")
  boolean force;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (dnsNames.isEmpty() && ipAddresses.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "give at least one --dns or --ip: the names the apiserver"
          + " connects to, e.g. --dns triage.triage-system.svc");
    }
    if (days <= 0 || caDays < days) {
      throw new ParameterException(spec.commandLine(), "--days must be positive and --ca-days at least --days"
          + " (got --days " + days + ", --ca-days " + caDays + ")");
    }
    CertificateDirectory files = new CertificateDirectory(out);
    if (!force && !files.existing().isEmpty()) {
      spec.commandLine().getErr().println(files.existing().get(0) + " exists; pass --force to replace the"
          + " certificates in " + out + " (clients trusting the old ca.crt must then be given the new one)");
      return 1;
    }
    Clock clock = Clock.systemUTC();
    ServingCertificate serving;
    CertificateAuthority ca = CertificateAuthority.create(CA_COMMON_NAME, Duration.ofDays(caDays), algorithm, clock);
    try {
      serving = ca.issue(dnsNames, ipAddresses, Duration.ofDays(days), algorithm);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    files.write(ca, serving);
    PrintWriter output = spec.commandLine().getOut();
    output.printf("wrote %s, %s, %s, %s%n", files.caCert(), files.caKey(), files.cert(), files.key());
    output.printf("serving certificate valid until %s, CA until %s (%s)%n",
        serving.certificate().getNotAfter().toInstant(), ca.certificate().getNotAfter().toInstant(),
        algorithm.label());
    return 0;
  }

  static final class KeyAlgorithmConverter implements picocli.CommandLine.ITypeConverter<KeyAlgorithm> {
    @Override
    public KeyAlgorithm convert(String value) {
      return KeyAlgorithm.ofLabel(value);
    }
  }
}
