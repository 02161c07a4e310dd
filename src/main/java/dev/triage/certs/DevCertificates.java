package dev.triage.certs;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Self-signed TLS material for running {@code triage serve} on a workstation without supplying a
 * certificate: a development CA and a serving certificate for the local machine, kept in one
 * directory and reused across runs until the serving certificate nears expiry.
 */
public final class DevCertificates {
  static final String CA_COMMON_NAME = "Triage development CA";
  static final Duration CA_VALIDITY = Duration.ofDays(365);
  static final Duration SERVING_VALIDITY = Duration.ofDays(90);
  /** Regenerate well before expiry, so that a long-running server does not outlive its certificate. */
  static final Duration MINIMUM_REMAINING_VALIDITY = Duration.ofDays(30);

  static final String CA_CERT_FILE = CertificateDirectory.CA_CERT_FILE;
  static final String CA_KEY_FILE = CertificateDirectory.CA_KEY_FILE;
  static final String CERT_FILE = CertificateDirectory.CERT_FILE;
  static final String KEY_FILE = CertificateDirectory.KEY_FILE;

  /**
   * Where the material lives.
   *
   * @param caCert the CA certificate clients must trust
   * @param cert the serving certificate
   * @param key the serving certificate's private key
   * @param created whether this call generated new files, in which case clients trusting an
   *     earlier CA must be given the new {@code caCert}
   */
  public record Paths(Path caCert, Path cert, Path key, boolean created) {}

  private DevCertificates() {}

  /**
   * Returns usable development TLS files in {@code dir}, generating them when missing, unreadable,
   * mismatched, or when the serving certificate has less than 30 days of validity left at
   * {@code clock}'s current instant. Creates {@code dir} if needed.
   */
  public static Paths ensure(Path dir, Clock clock) throws IOException {
    return ensure(dir, clock, DevCertificates::localHostName);
  }

  static Paths ensure(Path dir, Clock clock, Supplier<Optional<String>> hostName) throws IOException {
    CertificateDirectory files = new CertificateDirectory(dir);
    Paths existing = new Paths(files.caCert(), files.cert(), files.key(), false);
    if (isReusable(existing, clock.instant())) {
      return existing;
    }
    CertificateAuthority ca = CertificateAuthority.create(CA_COMMON_NAME, CA_VALIDITY, KeyAlgorithm.DEFAULT, clock);
    ServingCertificate serving =
        ca.issue(dnsNames(hostName), List.of("127.0.0.1", "::1"), SERVING_VALIDITY, KeyAlgorithm.DEFAULT);
    // A run interrupted while writing leaves a key that does not match its certificate, which
    // isReusable refuses next time, so the set is regenerated rather than served half-replaced.
    files.write(ca, serving);
    return new Paths(existing.caCert(), existing.cert(), existing.key(), true);
  }

  private static boolean isReusable(Paths paths, Instant now) {
    if (!Files.isRegularFile(paths.caCert()) || !Files.isRegularFile(paths.cert())
        || !Files.isRegularFile(paths.key())) {
      return false;
    }
    try {
      X509Certificate ca = PemFiles.readCertificates(paths.caCert()).get(0);
      X509Certificate leaf = PemFiles.readCertificates(paths.cert()).get(0);
      PrivateKey key = PemFiles.readPrivateKey(paths.key());
      leaf.verify(ca.getPublicKey());
      ca.checkValidity(Date.from(now));
      leaf.checkValidity(Date.from(now));
      PemFiles.checkPair(leaf, key);
      return !leaf.getNotAfter().toInstant().isBefore(now.plus(MINIMUM_REMAINING_VALIDITY));
    } catch (IOException | GeneralSecurityException | TlsMaterialException e) {
      // Whatever is wrong with the old files, fresh ones fix it; they hold nothing worth keeping.
      return false;
    }
  }

  private static List<String> dnsNames(Supplier<Optional<String>> hostName) {
    List<String> names = new ArrayList<>(List.of("localhost"));
    hostName.get()
        .map(name -> name.toLowerCase(Locale.ROOT))
        .filter(SubjectAltNames::isValidDnsName)
        .filter(name -> !names.contains(name))
        .ifPresent(names::add);
    return names;
  }

  private static Optional<String> localHostName() {
    try {
      return Optional.ofNullable(InetAddress.getLocalHost().getHostName());
    } catch (UnknownHostException | SecurityException e) {
      // Without a resolvable host name the certificate still covers localhost and the loopback IPs.
      return Optional.empty();
    }
  }
}
