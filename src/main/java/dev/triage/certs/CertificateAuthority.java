package dev.triage.certs;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed certificate authority that issues TLS serving certificates, for example the one the
 * Kubernetes API server is told to trust through a webhook configuration's {@code caBundle}.
 *
 * <p>Keys and certificates are plain JDK objects (no security provider is registered), so they can be
 * handed directly to JSSE or written with {@link PemFiles}.
 */
public final class CertificateAuthority {
  /** Certificates start this far in the past so that peers whose clocks run behind accept them at once. */
  static final Duration CLOCK_SKEW_ALLOWANCE = Duration.ofMinutes(5);

  // RFC 5280 upper bound for a common name; longer names go only into the subject alternative names.
  private static final int MAX_COMMON_NAME_LENGTH = 64;
  private static final int SERIAL_BITS = 128;

  private final KeyPair keyPair;
  private final X509Certificate certificate;
  private final KeyAlgorithm algorithm;
  private final Clock clock;
  private final SecureRandom random;

  private CertificateAuthority(
      KeyPair keyPair, X509Certificate certificate, KeyAlgorithm algorithm, Clock clock, SecureRandom random) {
    this.keyPair = keyPair;
    this.certificate = certificate;
    this.algorithm = algorithm;
    this.clock = clock;
    this.random = random;
  }

  /**
   * Generates a key pair and a self-signed CA certificate valid from now (less a clock-skew allowance)
   * for {@code validity}. The certificate may sign only end-entity certificates (path length 0).
   */
  public static CertificateAuthority create(String commonName, Duration validity, KeyAlgorithm alg, Clock clock) {
    Objects.requireNonNull(alg, "alg");
    Objects.requireNonNull(clock, "clock");
    if (commonName == null || commonName.isBlank()) {
      throw new IllegalArgumentException("A certificate authority needs a non-empty common name");
    }
    requirePositive(validity);

    SecureRandom random = new SecureRandom();
    KeyPair keyPair = alg.generateKeyPair(random);
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    X500Name subject = commonNameOnly(commonName);
    JcaX509ExtensionUtils extensions = extensionUtils();

    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
        subject,
        serialNumber(random),
        Date.from(now.minus(CLOCK_SKEW_ALLOWANCE)),
        Date.from(now.plus(validity)),
        subject,
        keyPair.getPublic());
    try {
      // Path length 0: this CA signs serving certificates directly and never intermediate CAs.
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      builder.addExtension(Extension.subjectKeyIdentifier, false,
          extensions.createSubjectKeyIdentifier(keyPair.getPublic()));
    } catch (CertIOException e) {
      throw new IllegalStateException("Cannot encode CA certificate extensions", e);
    }
    X509Certificate certificate = sign(builder, keyPair.getPrivate(), alg);
    return new CertificateAuthority(keyPair, certificate, alg, clock, random);
  }

  /**
   * A CA from stored material, for issuing further certificates with it.
   *
   * @throws TlsMaterialException if the key does not belong to the certificate or is of a type
   *     this package does not issue with
   */
  public static CertificateAuthority of(X509Certificate certificate, PrivateKey key, Clock clock) {
    if (!MatchingKeys.belongTogether(certificate.getPublicKey(), key)) {
      throw new TlsMaterialException("The CA key does not belong to the CA certificate "
          + certificate.getSubjectX500Principal().getName());
    }
    KeyAlgorithm alg = key instanceof java.security.interfaces.RSAKey rsa
        ? rsa.getModulus().bitLength() > 2048 ? KeyAlgorithm.RSA_3072 : KeyAlgorithm.RSA_2048
        : KeyAlgorithm.EC_P256;
    return new CertificateAuthority(new KeyPair(certificate.getPublicKey(), key), certificate, alg, clock,
        new SecureRandom());
  }

  /**
   * Issues a TLS server certificate for the given names with a freshly generated key.
   *
   * @param dnsNames host names clients connect to, e.g. {@code triage.triage-system.svc}
   * @param ipAddresses IPv4/IPv6 literals clients connect to, e.g. {@code 127.0.0.1}
   * @param validity how long the certificate is valid from now; must end before this CA expires
   * @param alg the key type of the serving certificate (the signature follows this CA's key type)
   * @throws IllegalArgumentException if a name is malformed, no name is given, or the validity
   *     would outlast this CA
   */
  public ServingCertificate issue(
      List<String> dnsNames, List<String> ipAddresses, Duration validity, KeyAlgorithm alg) {
    Objects.requireNonNull(alg, "alg");
    requirePositive(validity);
    SubjectAltNames names = SubjectAltNames.of(dnsNames, ipAddresses);

    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    Instant notAfter = now.plus(validity);
    Instant caNotAfter = certificate.getNotAfter().toInstant();
    if (notAfter.isAfter(caNotAfter)) {
      throw new IllegalArgumentException("A certificate valid for " + validity + " would end at " + notAfter
          + ", after the CA certificate expires at " + caNotAfter
          + "; issue it with a shorter validity or create a new CA");
    }

    KeyPair leafKeys = alg.generateKeyPair(random);
    String primaryName = names.primaryName();
    boolean hasSubject = primaryName.length() <= MAX_COMMON_NAME_LENGTH;
    X500Name subject = hasSubject ? commonNameOnly(primaryName) : new X500Name(new RDN[0]);
    JcaX509ExtensionUtils extensions = extensionUtils();

    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
        certificate,
        serialNumber(random),
        Date.from(now.minus(CLOCK_SKEW_ALLOWANCE)),
        Date.from(notAfter),
        subject,
        leafKeys.getPublic());
    // RSA key exchange (TLS 1.2 only) encrypts the premaster secret with the server key, which
    // needs keyEncipherment; ECDSA and TLS 1.3 only ever sign.
    int keyUsage = alg.isRsa() ? KeyUsage.digitalSignature | KeyUsage.keyEncipherment : KeyUsage.digitalSignature;
    try {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
      builder.addExtension(Extension.extendedKeyUsage, false,
          new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      // RFC 5280 4.2.1.6: with an empty subject the alternative names must be critical.
      builder.addExtension(Extension.subjectAlternativeName, !hasSubject, names.toGeneralNames());
      builder.addExtension(Extension.subjectKeyIdentifier, false,
          extensions.createSubjectKeyIdentifier(leafKeys.getPublic()));
      // Copy the CA's own identifier so that path building matches it byte for byte.
      builder.addExtension(Extension.authorityKeyIdentifier, false,
          new AuthorityKeyIdentifier(subjectKeyIdentifier(certificate)));
    } catch (CertIOException e) {
      throw new IllegalStateException("Cannot encode serving certificate extensions", e);
    }
    X509Certificate leaf = sign(builder, keyPair.getPrivate(), algorithm);
    return new ServingCertificate(List.of(leaf, certificate), leafKeys.getPrivate());
  }

  /** The self-signed CA certificate; this is what clients put in their trust store or {@code caBundle}. */
  public X509Certificate certificate() {
    return certificate;
  }

  public PrivateKey privateKey() {
    return keyPair.getPrivate();
  }

  public PublicKey publicKey() {
    return keyPair.getPublic();
  }

  public KeyAlgorithm algorithm() {
    return algorithm;
  }

  @Override
  public String toString() {
    return "CertificateAuthority[" + certificate.getSubjectX500Principal().getName()
        + ", notAfter=" + certificate.getNotAfter().toInstant() + ", " + algorithm + "]";
  }

  private static X500Name commonNameOnly(String commonName) {
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
  }

  /** A random positive serial of up to 128 bits, so serials never repeat across regenerated CAs. */
  private static BigInteger serialNumber(SecureRandom random) {
    BigInteger serial;
    do {
      serial = new BigInteger(SERIAL_BITS, random);
    } while (serial.signum() == 0);
    return serial;
  }

  private static byte[] subjectKeyIdentifier(X509Certificate certificate) {
    byte[] extension = certificate.getExtensionValue(Extension.subjectKeyIdentifier.getId());
    if (extension == null) {
      throw new IllegalStateException("CA certificate has no subject key identifier");
    }
    byte[] inner = ASN1OctetString.getInstance(extension).getOctets();
    return ASN1OctetString.getInstance(inner).getOctets();
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signingKey, KeyAlgorithm alg) {
    try {
      ContentSigner signer = new JcaContentSignerBuilder(alg.signatureAlgorithm()).build(signingKey);
      return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    } catch (OperatorCreationException | GeneralSecurityException e) {
      throw new IllegalStateException("Cannot sign certificate with " + alg.signatureAlgorithm(), e);
    }
  }

  private static JcaX509ExtensionUtils extensionUtils() {
    try {
      return new JcaX509ExtensionUtils();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("This Java runtime lacks SHA-1 for key identifiers", e);
    }
  }

  private static void requirePositive(Duration validity) {
    if (validity == null || validity.isNegative() || validity.isZero()) {
      throw new IllegalArgumentException("Certificate validity must be a positive duration, got " + validity);
    }
  }
}
