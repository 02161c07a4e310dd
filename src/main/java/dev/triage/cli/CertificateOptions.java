package dev.triage.cli;

import dev.triage.certs.CertificateDirectory;
import dev.triage.certs.DevCertificates;
import dev.triage.certs.PemFiles;
import dev.triage.certs.TlsMaterialException;
import dev.triage.server.AdmissionServer;
import dev.triage.server.CertificateFileWatcher;
import dev.triage.server.ServeLog;
import dev.triage.server.ServingTls;
import dev.triage.server.TlsLog;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Where {@code serve} gets its certificate: files given with {@code --cert}/{@code --key} (followed
 * as they change), or development certificates it creates itself.
 */
final class CertificateOptions {
  private static final Duration EXPIRY_WARNING_INTERVAL = Duration.ofHours(1);

  @Option(names = "--cert", description = "serving certificate chain (PEM), reloaded when it changes;"
      + " without it, development certificates are used")
  Path cert;

  @Option(names = "--key", description = "private key of --cert (PEM), reloaded with it")
  Path key;

  @Option(names = "--ca", description = "CA certificate clients are given, to report its expiry"
      + " (default: ca.crt beside --cert, if there)")
  Path ca;

  @Option(names = "--cert-poll-seconds", defaultValue = "5",
      description = "how often --cert and --key are checked for changes (default: ${DEFAULT-VALUE})")
  int pollSeconds;

  @Option(names = "--dev-certs", defaultValue = "certs/dev",
      description = "where development certificates are kept when --cert is not given (default: ${DEFAULT-VALUE})")
  Path devCerts;

  @Mixin
  SelfManagedOptions selfManaged;

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  private TlsLog log;
  private volatile ServingTls tls;

  private Optional<Path> caFile = Optional.empty();
  private CertificateFileWatcher watcher;

  /**
   * Checks the options, creates development certificates if needed, and checks the pair. Returns
   * false, having said why in {@code serveLog}, when the pair cannot be served.
   */
  boolean prepare(TlsLog log, ServeLog serveLog, Clock clock) throws IOException {
    this.log = log;
    if (selfManaged.enabled) {
      if (cert != null || key != null) {
        throw new ParameterException(spec.commandLine(), "--self-managed makes its own certificates: leave out"
            + " --cert and --key");
      }
      Path dir = selfManaged.prepare(log, clock);
      cert = dir.resolve(CertificateDirectory.CERT_FILE);
      key = dir.resolve(CertificateDirectory.KEY_FILE);
      return true;
    }
    if ((cert == null) != (key == null)) {
      throw new ParameterException(spec.commandLine(), "--cert and --key go together: give both or neither");
    }
    if (pollSeconds <= 0) {
      throw new ParameterException(spec.commandLine(), "--cert-poll-seconds must be positive");
    }
    if (cert == null) {
      DevCertificates.Paths dev = DevCertificates.ensure(devCerts, clock);
      cert = dev.cert();
      key = dev.key();
      ca = dev.caCert();
      serveLog.developmentCertificates(devCerts, dev.caCert());
    }
    Path besideCert = cert.resolveSibling(CertificateDirectory.CA_CERT_FILE);
    caFile = ca != null ? Optional.of(ca) : Files.exists(besideCert) ? Optional.of(besideCert) : Optional.empty();
    try {
      PemFiles.loadServingPair(cert, key, clock);
      return true;
    } catch (TlsMaterialException | IOException e) {
      serveLog.unservable(cert, key, e.getMessage());
      return false;
    }
  }

  Path cert() {
    return cert;
  }

  Path key() {
    return key;
  }

  /**
   * Once the server listens: serves what the files hold now, follows their changes, shows the
   * expiries on {@code /readyz} and warns hourly when one is near.
   */
  ServingTls follow(Vertx vertx, AdmissionServer server, Clock clock) {
    ServingTls tls = new ServingTls(server, log, clock);
    if (selfManaged.enabled) {
      selfManaged.follow(tls);
    } else {
      watcher = new CertificateFileWatcher(cert, key, caFile, tls, clock);
      watcher.reload();
      watcher.start(Duration.ofSeconds(pollSeconds));
    }
    server.readinessCheck(tls);
    this.tls = tls;
    tls.warnIfExpiring();
    vertx.setPeriodic(EXPIRY_WARNING_INTERVAL.toMillis(), id -> tls.warnIfExpiring());
    return tls;
  }

  /** For the expiry gauge: seconds left on the certificate being served; NaN before one is. */
  double secondsUntilServingExpiry() {
    ServingTls served = tls;
    return served == null ? Double.NaN : served.secondsUntilServingExpiry();
  }

  void close() {
    selfManaged.close();
    if (watcher != null) {
      watcher.close();
    }
  }
}
