package dev.triage.certs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CertificateAuthorityTest {
  private static final Instant NOW = Instant.parse("2030-03-01T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String BASIC_CONSTRAINTS = "2.5.29.19";
  private static final String KEY_USAGE = "2.5.29.15";
  private static final String SUBJECT_ALT_NAME = "2.5.29.17";
  private static final String SUBJECT_KEY_ID = "2.5.29.14";
  private static final String AUTHORITY_KEY_ID = "2.5.29.35";
  private static final int DNS = 2;
  private static final int IP = 7;

  // KeyUsage bit positions as returned by X509Certificate.getKeyUsage()
  private static final int DIGITAL_SIGNATURE = 0;
  private static final int KEY_ENCIPHERMENT = 2;
  private static final int KEY_CERT_SIGN = 5;
  private static final int CRL_SIGN = 6;

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void caCertificateIsSelfSignedCaWithCriticalConstraints(KeyAlgorithm alg) throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("Test CA", Duration.ofDays(365), alg, CLOCK);
    X509Certificate cert = ca.certificate();

    assertEquals(3, cert.getVersion());
    assertEquals("CN=Test CA", cert.getSubjectX500Principal().getName());
    assertEquals(cert.getSubjectX500Principal(), cert.getIssuerX500Principal());
    cert.verify(cert.getPublicKey());
    assertEquals(ca.publicKey(), cert.getPublicKey());

    assertEquals(0, cert.getBasicConstraints(), "CA:true with path length 0");
    assertTrue(cert.getCriticalExtensionOIDs().containsAll(Set.of(BASIC_CONSTRAINTS, KEY_USAGE)));
    boolean[] keyUsage = cert.getKeyUsage();
    assertTrue(keyUsage[KEY_CERT_SIGN]);
    assertTrue(keyUsage[CRL_SIGN]);
    assertFalse(keyUsage[DIGITAL_SIGNATURE]);
    assertTrue(cert.getNonCriticalExtensionOIDs().contains(SUBJECT_KEY_ID));

    assertEquals(NOW.minus(Duration.ofMinutes(5)), cert.getNotBefore().toInstant());
    assertEquals(NOW.plus(Duration.ofDays(365)), cert.getNotAfter().toInstant());
    assertEquals(alg.signatureAlgorithm(), cert.getSigAlgName());
  }

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void servingCertificateHasServerAuthUsageAndNamesAndIsSignedByCa(KeyAlgorithm alg) throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("Test CA", Duration.ofDays(365), alg, CLOCK);
    ServingCertificate serving = ca.issue(
        List.of("triage.triage-system.svc", "localhost"), List.of("127.0.0.1", "::1"),
        Duration.ofDays(90), alg);
    X509Certificate leaf = serving.certificate();

    leaf.verify(ca.publicKey());
    assertEquals(List.of(leaf, ca.certificate()), serving.chain());
    assertEquals(ca.certificate().getSubjectX500Principal(), leaf.getIssuerX500Principal());
    assertEquals("CN=triage.triage-system.svc", leaf.getSubjectX500Principal().getName());
    assertEquals(alg.signatureAlgorithm(), leaf.getSigAlgName());

    assertEquals(-1, leaf.getBasicConstraints(), "CA:false");
    assertTrue(leaf.getCriticalExtensionOIDs().containsAll(Set.of(BASIC_CONSTRAINTS, KEY_USAGE)));
    boolean[] keyUsage = leaf.getKeyUsage();
    assertTrue(keyUsage[DIGITAL_SIGNATURE]);
    assertEquals(alg.isRsa(), keyUsage[KEY_ENCIPHERMENT]);
    assertFalse(keyUsage[KEY_CERT_SIGN]);
    assertEquals(List.of(SERVER_AUTH), leaf.getExtendedKeyUsage());

    assertEquals(
        Set.of(List.of(DNS, "triage.triage-system.svc"), List.of(DNS, "localhost"),
            List.of(IP, "127.0.0.1"), List.of(IP, "0:0:0:0:0:0:0:1")),
        subjectAltNames(leaf));

    assertEquals(NOW.minus(Duration.ofMinutes(5)), leaf.getNotBefore().toInstant());
    assertEquals(NOW.plus(Duration.ofDays(90)), leaf.getNotAfter().toInstant());

    BigInteger serial = leaf.getSerialNumber();
    assertTrue(serial.signum() > 0);
    assertTrue(serial.bitLength() <= 128);

    assertArrayEquals(subjectKeyId(ca.certificate()), authorityKeyId(leaf));
    assertTrue(leaf.getNonCriticalExtensionOIDs().contains(SUBJECT_KEY_ID));

    if (alg.isRsa()) {
      int expectedBits = alg == KeyAlgorithm.RSA_2048 ? 2048 : 3072;
      assertEquals(expectedBits, ((RSAPrivateKey) serving.privateKey()).getModulus().bitLength());
    } else {
      assertEquals(256, ((ECPrivateKey) serving.privateKey()).getParams().getCurve().getField().getFieldSize());
    }
    PemFiles.checkPair(leaf, serving.privateKey());
  }

  @Test
  void servingCertificatePassesPkixPathValidationAgainstCa() throws Exception {
    CertificateAuthority ca = thirtyDayCa();
    ServingCertificate serving =
        ca.issue(List.of("webhook.example"), List.of(), Duration.ofDays(7), KeyAlgorithm.DEFAULT);

    PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(ca.certificate(), null)));
    parameters.setRevocationEnabled(false);
    parameters.setDate(Date.from(NOW));
    CertPathValidator.getInstance("PKIX").validate(
        CertificateFactory.getInstance("X.509").generateCertPath(List.of(serving.certificate())), parameters);
  }

  @Test
  void serialNumbersDiffer() {
    CertificateAuthority ca = thirtyDayCa();
    Set<BigInteger> serials = new HashSet<>();
    serials.add(ca.certificate().getSerialNumber());
    for (int i = 0; i < 20; i++) {
      serials.add(ca.issue(List.of("a.example"), List.of(), Duration.ofDays(1), KeyAlgorithm.DEFAULT)
          .certificate().getSerialNumber());
    }
    assertEquals(21, serials.size());
  }

  @Test
  void ipOnlyCertificateUsesTheAddressAsCommonName() throws Exception {
    CertificateAuthority ca = thirtyDayCa();
    X509Certificate leaf =
        ca.issue(List.of(), List.of("10.96.0.12"), Duration.ofDays(1), KeyAlgorithm.DEFAULT).certificate();

    assertEquals("CN=10.96.0.12", leaf.getSubjectX500Principal().getName());
    assertEquals(Set.of(List.of(IP, "10.96.0.12")), subjectAltNames(leaf));
  }

  @Test
  void nameTooLongForCommonNameLeavesSubjectEmptyAndMarksAltNamesCritical() throws Exception {
    String longName = "a-rather-long-webhook-service-name.a-rather-long-namespace-name.svc";
    assertTrue(longName.length() > 64);
    CertificateAuthority ca = thirtyDayCa();
    X509Certificate leaf = ca.issue(List.of(longName), List.of(), Duration.ofDays(1), KeyAlgorithm.DEFAULT)
        .certificate();

    assertEquals("", leaf.getSubjectX500Principal().getName());
    assertTrue(leaf.getCriticalExtensionOIDs().contains(SUBJECT_ALT_NAME));
    assertEquals(Set.of(List.of(DNS, longName)), subjectAltNames(leaf));
  }

  @Test
  void acceptsWildcardDnsName() throws Exception {
    CertificateAuthority ca = thirtyDayCa();
    X509Certificate leaf = ca.issue(List.of("*.triage-system.svc"), List.of(), Duration.ofDays(1),
        KeyAlgorithm.DEFAULT).certificate();

    assertEquals(Set.of(List.of(DNS, "*.triage-system.svc")), subjectAltNames(leaf));
  }

  @Test
  void refusesMalformedOrMisplacedNames() {
    CertificateAuthority ca = thirtyDayCa();
    Duration day = Duration.ofDays(1);

    IllegalArgumentException ipAsDns = assertThrows(IllegalArgumentException.class,
        () -> ca.issue(List.of("10.0.0.1"), List.of(), day, KeyAlgorithm.DEFAULT));
    assertTrue(ipAsDns.getMessage().contains("'10.0.0.1' is an IP address"), ipAsDns.getMessage());

    IllegalArgumentException hostAsIp = assertThrows(IllegalArgumentException.class,
        () -> ca.issue(List.of(), List.of("webhook.example"), day, KeyAlgorithm.DEFAULT));
    assertTrue(hostAsIp.getMessage().contains("'webhook.example' is not an IPv4 or IPv6 address"),
        hostAsIp.getMessage());

    IllegalArgumentException badDns = assertThrows(IllegalArgumentException.class,
        () -> ca.issue(List.of("bad name!"), List.of(), day, KeyAlgorithm.DEFAULT));
    assertTrue(badDns.getMessage().contains("not a valid DNS name"), badDns.getMessage());

    IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
        () -> ca.issue(List.of(), List.of(), day, KeyAlgorithm.DEFAULT));
    assertTrue(none.getMessage().contains("at least one DNS name or IP address"), none.getMessage());
  }

  @Test
  void refusesValidityBeyondTheCa() {
    CertificateAuthority ca = thirtyDayCa();

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ca.issue(List.of("a.example"), List.of(), Duration.ofDays(90), KeyAlgorithm.DEFAULT));
    assertTrue(e.getMessage().contains("after the CA certificate expires at " + NOW.plus(Duration.ofDays(30))),
        e.getMessage());
  }

  @Test
  void refusesNonPositiveValidityAndBlankName() {
    assertThrows(IllegalArgumentException.class,
        () -> CertificateAuthority.create("Test CA", Duration.ZERO, KeyAlgorithm.DEFAULT, CLOCK));
    assertThrows(IllegalArgumentException.class,
        () -> CertificateAuthority.create(" ", Duration.ofDays(1), KeyAlgorithm.DEFAULT, CLOCK));
  }

  static Set<List<?>> subjectAltNames(X509Certificate certificate) throws Exception {
    return new HashSet<>(certificate.getSubjectAlternativeNames());
  }

  private static byte[] subjectKeyId(X509Certificate certificate) throws Exception {
    return SubjectKeyIdentifier.getInstance(JcaX509ExtensionUtils.parseExtensionValue(
        certificate.getExtensionValue(SUBJECT_KEY_ID))).getKeyIdentifier();
  }

  private static byte[] authorityKeyId(X509Certificate certificate) throws Exception {
    return AuthorityKeyIdentifier.getInstance(JcaX509ExtensionUtils.parseExtensionValue(
        certificate.getExtensionValue(AUTHORITY_KEY_ID))).getKeyIdentifier();
  }

  private static CertificateAuthority thirtyDayCa() {
    return CertificateAuthority.create("Test CA", Duration.ofDays(30), KeyAlgorithm.DEFAULT, CLOCK);
  }
}
