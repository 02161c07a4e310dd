package dev.triage.server;

import dev.triage.certs.ServingCertificate;
import io.vertx.core.Future;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The certificate the webhook presents and the CA that issued it. Each new certificate is swapped
 * into the running server without closing a connection, logged with the time it has left, and both
 * expiries are offered to {@code /readyz} and to metrics. Within seven days of either expiry,
 * {@link #warnIfExpiring()} logs a warning each time it is called (hourly, when scheduled). Once
 * the serving certificate has expired the server is not ready: the apiserver refuses it, so
 * endpoints should route around this replica and the operator see why.
 */
public final class ServingTls implements ReadinessCheck {
  static final Duration WARN_BEFORE = Duration.ofDays(7);

  /** What is being served: where it came from, the certificate, and its issuer when known. */
  public record Served(String source, ServingCertificate serving, Optional<X509Certificate> ca) {
    public Instant notAfter() {
      return serving.certificate().getNotAfter().toInstant();
    }

    public Optional<Instant> caNotAfter() {
      return ca.map(c -> c.getNotAfter().toInstant());
    }
  }

  private final AdmissionServer server;
  private final TlsLog log;
  private final Clock clock;
  private volatile Served current;

  public ServingTls(AdmissionServer server, TlsLog log, Clock clock) {
    this.server = server;
    this.log = log;
    this.clock = clock;
  }

  /**
   * Presents {@code serving} from the next handshake on. {@code cas} are the CAs clients are given
   * (for example {@code ca.crt}); the one that signed the certificate is reported as its CA.
   */
  public Future<Served> use(String source, ServingCertificate serving, List<X509Certificate> cas) {
    Served next = new Served(source, serving, issuer(serving, cas));
    return server.useCertificate(serving).map(updated -> {
      current = next;
      log.loaded(source, serving.certificate().getSubjectX500Principal().getName(), next.notAfter(),
          next.caNotAfter());
      return next;
    }).onFailure(e -> log.refused(source, "the TLS engine did not take the certificate: " + e.getMessage()));
  }

  /** Logs that material from {@code source} was not used, and why; the current certificate stays. */
  public void refused(String source, String reason) {
    log.refused(source, reason);
  }

  public Optional<Served> current() {
    return Optional.ofNullable(current);
  }

  /** Seconds until the serving certificate expires (negative once expired); NaN before one is loaded. */
  public double secondsUntilServingExpiry() {
    Served served = current;
    return served == null ? Double.NaN : secondsUntil(served.notAfter());
  }

  /** Seconds until the issuing CA expires; NaN when no certificate is loaded or its CA is unknown. */
  public double secondsUntilCaExpiry() {
    Served served = current;
    return served == null ? Double.NaN : served.caNotAfter().map(this::secondsUntil).orElse(Double.NaN);
  }

  /**
   * Ready unless the certificate being served has expired. Before the first one is loaded, the
   * server presents the files it started with, which {@code serve} checked.
   */
  @Override
  public boolean ready() {
    Served served = current;
    return served == null || served.notAfter().isAfter(clock.instant());
  }

  @Override
  public String detail() {
    return status();
  }

  /** One line for {@code /readyz}: the seconds each certificate has left. */
  public String status() {
    Served served = current;
    if (served == null) {
      return "certificate: none loaded";
    }
    if (!ready()) {
      return "certificate: serving certificate expired " + (long) -secondsUntilServingExpiry() + "s ago ("
          + served.notAfter() + "): the apiserver refuses it; renew the certificate from " + served.source();
    }
    String line = "certificate: serving expires in " + (long) secondsUntilServingExpiry() + "s (" + served.notAfter()
        + ")";
    return served.caNotAfter().map(ca -> line + ", CA expires in " + (long) secondsUntil(ca) + "s (" + ca + ")")
        .orElse(line);
  }

  /** Logs a warning for the serving certificate and the CA if either expires within seven days. */
  public void warnIfExpiring() {
    Served served = current;
    if (served == null) {
      return;
    }
    Instant horizon = clock.instant().plus(WARN_BEFORE);
    if (served.notAfter().isBefore(horizon)) {
      log.expiring("serving", served.notAfter());
    }
    served.caNotAfter().filter(ca -> ca.isBefore(horizon)).ifPresent(ca -> log.expiring("ca", ca));
  }

  private double secondsUntil(Instant instant) {
    return Duration.between(clock.instant(), instant).toSeconds();
  }

  private static Optional<X509Certificate> issuer(ServingCertificate serving, List<X509Certificate> cas) {
    X509Certificate leaf = serving.certificate();
    List<X509Certificate> candidates = new ArrayList<>(cas);
    candidates.addAll(serving.chain().subList(1, serving.chain().size()));
    for (X509Certificate candidate : candidates) {
      if (!candidate.getSubjectX500Principal().equals(leaf.getIssuerX500Principal())) {
        continue;
      }
      try {
        leaf.verify(candidate.getPublicKey());
        return Optional.of(candidate);
      } catch (GeneralSecurityException e) {
        // same name, other key: an earlier or later CA of the same name
      }
    }
    return Optional.empty();
  }
}
