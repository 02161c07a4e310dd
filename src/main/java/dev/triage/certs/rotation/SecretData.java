package dev.triage.certs.rotation;

import static java.nio.charset.StandardCharsets.US_ASCII;

import dev.triage.certs.CertificateAuthority;
import dev.triage.certs.PemFiles;
import dev.triage.certs.ServingCertificate;
import dev.triage.certs.TlsMaterialException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link CertificateState} as the keys of a Secret's {@code data}: PEM for certificates and keys
 * ({@code tls.crt}, {@code tls.key}, {@code ca.crt}, {@code ca.key}, {@code next-ca.crt},
 * {@code next-ca.key}, {@code ca-bundle.crt}) and plain text for the bookkeeping.
 */
public final class SecretData {
  static final String CERT = "tls.crt";
  static final String KEY = "tls.key";
  static final String CA_CERT = "ca.crt";
  static final String CA_KEY = "ca.key";
  static final String NEXT_CA_CERT = "next-ca.crt";
  static final String NEXT_CA_KEY = "next-ca.key";
  static final String BUNDLE = "ca-bundle.crt";
  static final String GENERATION = "bundle-generation";
  static final String PUBLISHED_AT = "bundle-published-at";
  static final String SWITCHED_AT = "switched-at";

  private SecretData() {}

  public static Map<String, byte[]> encode(CertificateState state) {
    Map<String, byte[]> data = new HashMap<>();
    data.put(CERT, PemFiles.encodeCertificates(List.of(state.serving().certificate())));
    data.put(KEY, PemFiles.encodePrivateKey(state.serving().privateKey()));
    data.put(CA_CERT, PemFiles.encodeCertificates(List.of(state.ca().certificate())));
    data.put(CA_KEY, PemFiles.encodePrivateKey(state.ca().privateKey()));
    state.nextCa().ifPresent(next -> {
      data.put(NEXT_CA_CERT, PemFiles.encodeCertificates(List.of(next.certificate())));
      data.put(NEXT_CA_KEY, PemFiles.encodePrivateKey(next.privateKey()));
    });
    data.put(BUNDLE, PemFiles.encodeCertificates(state.bundle()));
    data.put(GENERATION, Long.toString(state.bundleGeneration()).getBytes(US_ASCII));
    state.bundlePublishedAt().ifPresent(at -> data.put(PUBLISHED_AT, at.toString().getBytes(US_ASCII)));
    state.switchedAt().ifPresent(at -> data.put(SWITCHED_AT, at.toString().getBytes(US_ASCII)));
    return data;
  }

  /**
   * @param secret names the Secret in messages, e.g. {@code triage-system/triage-tls}
   * @throws TlsMaterialException naming the Secret and key when something is missing or unusable
   */
  public static CertificateState decode(String secret, Map<String, byte[]> data, Clock clock) {
    try {
      CertificateAuthority ca = authority(secret, data, CA_CERT, CA_KEY, clock);
      Optional<CertificateAuthority> next = data.containsKey(NEXT_CA_CERT)
          ? Optional.of(authority(secret, data, NEXT_CA_CERT, NEXT_CA_KEY, clock)) : Optional.empty();
      // Read whatever the dates: an expired CA or certificate is for Rotation to replace, not a reason to stop.
      ServingCertificate serving = PemFiles.pair(secret + " " + CERT, required(secret, data, CERT),
          secret + " " + KEY, required(secret, data, KEY));
      List<X509Certificate> bundle = PemFiles.parseCertificates(secret + " " + BUNDLE, required(secret, data, BUNDLE));
      long generation = Long.parseLong(text(secret, data, GENERATION).orElseThrow(
          () -> new TlsMaterialException(secret + " has no " + GENERATION)));
      return new CertificateState(ca, next, bundle, generation, instant(secret, data, PUBLISHED_AT), serving,
          instant(secret, data, SWITCHED_AT));
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new TlsMaterialException(secret + " holds unreadable bookkeeping (" + e.getMessage() + ")", e);
    } catch (IllegalArgumentException e) {
      throw new TlsMaterialException(secret + ": " + e.getMessage(), e);
    }
  }

  private static CertificateAuthority authority(String secret, Map<String, byte[]> data, String cert, String key,
      Clock clock) {
    X509Certificate certificate = PemFiles.parseCertificates(secret + " " + cert, required(secret, data, cert)).get(0);
    return CertificateAuthority.of(certificate, PemFiles.parsePrivateKey(secret + " " + key,
        required(secret, data, key)), clock);
  }

  private static byte[] required(String secret, Map<String, byte[]> data, String key) {
    byte[] value = data.get(key);
    if (value == null) {
      throw new TlsMaterialException(secret + " has no " + key);
    }
    return value;
  }

  private static Optional<String> text(String secret, Map<String, byte[]> data, String key) {
    return Optional.ofNullable(data.get(key)).map(bytes -> new String(bytes, US_ASCII).strip());
  }

  private static Optional<Instant> instant(String secret, Map<String, byte[]> data, String key) {
    return text(secret, data, key).map(Instant::parse);
  }
}
