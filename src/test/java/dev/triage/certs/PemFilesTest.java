package dev.triage.certs;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PemFilesTest {
  private static final Instant NOW = Instant.parse("2030-03-01T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  @TempDir
  Path dir;

  @ParameterizedTest
  @EnumSource(value = KeyAlgorithm.class, names = {"EC_P256", "RSA_2048"})
  void writtenCertificatesAndKeyReadBackUnchanged(KeyAlgorithm alg) throws Exception {
    ServingCertificate serving = issue(alg, Duration.ofDays(30));
    Path certFile = dir.resolve("tls.crt");
    Path keyFile = dir.resolve("tls.key");

    PemFiles.writeCertificates(certFile, serving.chain());
    PemFiles.writePrivateKey(keyFile, serving.privateKey());

    assertTrue(Files.readString(certFile).startsWith("-----BEGIN CERTIFICATE-----\n"));
    assertTrue(Files.readString(keyFile).startsWith("-----BEGIN PRIVATE KEY-----\n"));
    assertEquals(serving.chain(), PemFiles.readCertificates(certFile));
    PrivateKey read = PemFiles.readPrivateKey(keyFile);
    assertEquals(serving.privateKey().getAlgorithm(), read.getAlgorithm());
    assertArrayEquals(serving.privateKey().getEncoded(), read.getEncoded());
  }

  @Test
  void keyFileIsReadableByOwnerOnlyEvenWhenReplacingAWorldReadableFile() throws Exception {
    assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "needs POSIX permissions");
    Path keyFile = dir.resolve("tls.key");
    Files.writeString(keyFile, "old");
    Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));

    PemFiles.writePrivateKey(keyFile, issue(KeyAlgorithm.DEFAULT, Duration.ofDays(1)).privateKey());

    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(keyFile), files.toList(), "no temporary files left behind");
    }
  }

  @Test
  void readsPkcs1RsaKeyFromOpenssl() throws Exception {
    Path keyFile = write("rsa.key", OpensslGeneratedPem.PKCS1_RSA_KEY);
    Path certFile = write("rsa.crt", OpensslGeneratedPem.PKCS1_RSA_CERT);

    PrivateKey key = PemFiles.readPrivateKey(keyFile);
    X509Certificate cert = PemFiles.readCertificates(certFile).get(0);

    assertTrue(key instanceof RSAPrivateCrtKey);
    assertEquals("CN=pkcs1.example", cert.getSubjectX500Principal().getName());
    assertDoesNotThrow(() -> PemFiles.checkPair(cert, key));
  }

  @Test
  void readsSec1EcKeyWithParametersBlockFromOpenssl() throws Exception {
    Path keyFile = write("ec.key", OpensslGeneratedPem.SEC1_EC_KEY);
    Path certFile = write("ec.crt", OpensslGeneratedPem.SEC1_EC_CERT);

    PrivateKey key = PemFiles.readPrivateKey(keyFile);
    X509Certificate cert = PemFiles.readCertificates(certFile).get(0);

    assertTrue(key instanceof ECPrivateKey);
    assertEquals("CN=sec1.example", cert.getSubjectX500Principal().getName());
    assertDoesNotThrow(() -> PemFiles.checkPair(cert, key));
  }

  @Test
  void readsPkcs1ConversionOfGeneratedRsaKey() throws Exception {
    PrivateKey original = issue(KeyAlgorithm.RSA_2048, Duration.ofDays(1)).privateKey();
    byte[] pkcs1 = PrivateKeyInfo.getInstance(original.getEncoded()).parsePrivateKey().toASN1Primitive()
        .getEncoded();
    Path keyFile = write("rsa.key", pem("RSA PRIVATE KEY", pkcs1));

    assertArrayEquals(original.getEncoded(), PemFiles.readPrivateKey(keyFile).getEncoded());
  }

  @Test
  void checkPairRefusesKeyOfAnotherCertificate() {
    ServingCertificate first = issue(KeyAlgorithm.DEFAULT, Duration.ofDays(1));
    ServingCertificate second = issue(KeyAlgorithm.DEFAULT, Duration.ofDays(1));
    ServingCertificate rsa = issue(KeyAlgorithm.RSA_2048, Duration.ofDays(1));

    TlsMaterialException e = assertThrows(TlsMaterialException.class,
        () -> PemFiles.checkPair(first.certificate(), second.privateKey()));
    assertTrue(e.getMessage().contains("does not belong to the certificate for CN=webhook.example"),
        e.getMessage());
    assertThrows(TlsMaterialException.class, () -> PemFiles.checkPair(first.certificate(), rsa.privateKey()));
    assertThrows(TlsMaterialException.class, () -> PemFiles.checkPair(rsa.certificate(), first.privateKey()));
  }

  @Test
  void loadServingPairReturnsChainAndKey() throws Exception {
    ServingCertificate serving = issue(KeyAlgorithm.DEFAULT, Duration.ofDays(30));
    Path certFile = dir.resolve("tls.crt");
    Path keyFile = dir.resolve("tls.key");
    PemFiles.writeCertificates(certFile, serving.chain());
    PemFiles.writePrivateKey(keyFile, serving.privateKey());

    ServingCertificate loaded = PemFiles.loadServingPair(certFile, keyFile, CLOCK);

    assertEquals(serving.chain(), loaded.chain());
    assertArrayEquals(serving.privateKey().getEncoded(), loaded.privateKey().getEncoded());
  }

  @Test
  void loadServingPairRefusesMismatchedKeyNamingBothFiles() throws Exception {
    Path certFile = dir.resolve("tls.crt");
    Path keyFile = dir.resolve("other.key");
    PemFiles.writeCertificates(certFile, List.of(issue(KeyAlgorithm.DEFAULT, Duration.ofDays(30)).certificate()));
    PemFiles.writePrivateKey(keyFile, issue(KeyAlgorithm.DEFAULT, Duration.ofDays(30)).privateKey());

    TlsMaterialException e = assertThrows(TlsMaterialException.class,
        () -> PemFiles.loadServingPair(certFile, keyFile, CLOCK));

    assertEquals("The private key in " + keyFile + " does not belong to the certificate in " + certFile
        + " (CN=webhook.example): their public keys differ. Pass the key that was generated together with"
        + " this certificate, or the certificate that was issued for this key.", e.getMessage());
  }

  @Test
  void loadServingPairPointsOutChainInWrongOrder() throws Exception {
    ServingCertificate serving = issue(KeyAlgorithm.DEFAULT, Duration.ofDays(30));
    Path certFile = dir.resolve("tls.crt");
    Path keyFile = dir.resolve("tls.key");
    PemFiles.writeCertificates(certFile, List.of(serving.chain().get(1), serving.certificate()));
    PemFiles.writePrivateKey(keyFile, serving.privateKey());

    TlsMaterialException e = assertThrows(TlsMaterialException.class,
        () -> PemFiles.loadServingPair(certFile, keyFile, CLOCK));

    assertTrue(e.getMessage().contains("The key belongs to certificate #2 in " + certFile
        + "; put the serving certificate first"), e.getMessage());
  }

  @Test
  void loadServingPairRefusesExpiredCertificateStatingNotAfter() throws Exception {
    ServingCertificate serving = issue(KeyAlgorithm.DEFAULT, Duration.ofDays(30));
    Path certFile = dir.resolve("tls.crt");
    Path keyFile = dir.resolve("tls.key");
    PemFiles.writeCertificates(certFile, List.of(serving.certificate()));
    PemFiles.writePrivateKey(keyFile, serving.privateKey());
    Clock later = Clock.fixed(NOW.plus(Duration.ofDays(31)), ZoneOffset.UTC);

    TlsMaterialException e = assertThrows(TlsMaterialException.class,
        () -> PemFiles.loadServingPair(certFile, keyFile, later));

    assertEquals("The certificate in " + certFile + " (CN=webhook.example) expired on 2030-03-31T12:00:00Z"
        + " (notAfter); replace it with a renewed certificate", e.getMessage());
  }

  @Test
  void loadServingPairRefusesNotYetValidCertificateStatingNotBefore() throws Exception {
    ServingCertificate serving = issue(KeyAlgorithm.DEFAULT, Duration.ofDays(30));
    Path certFile = dir.resolve("tls.crt");
    Path keyFile = dir.resolve("tls.key");
    PemFiles.writeCertificates(certFile, List.of(serving.certificate()));
    PemFiles.writePrivateKey(keyFile, serving.privateKey());
    Clock earlier = Clock.fixed(NOW.minus(Duration.ofHours(1)), ZoneOffset.UTC);

    TlsMaterialException e = assertThrows(TlsMaterialException.class,
        () -> PemFiles.loadServingPair(certFile, keyFile, earlier));

    assertTrue(e.getMessage().contains("is not valid before 2030-03-01T11:55:00Z (notBefore)"), e.getMessage());
  }

  @Test
  void emptyFileIsReportedAsEmpty() throws Exception {
    Path file = write("tls.crt", "\n");

    TlsMaterialException e = assertThrows(TlsMaterialException.class, () -> PemFiles.readCertificates(file));
    assertEquals(file + " is empty; expected a certificate (-----BEGIN CERTIFICATE-----)", e.getMessage());
  }

  @Test
  void textWithoutPemBlocksIsReportedAsNotPem() throws Exception {
    Path file = write("tls.key", "this is not a key\n");

    TlsMaterialException e = assertThrows(TlsMaterialException.class, () -> PemFiles.readPrivateKey(file));
    assertTrue(e.getMessage().startsWith(file + " is not PEM: it has no -----BEGIN ...----- line"), e.getMessage());
  }

  @Test
  void derCertificateIsReportedWithConversionCommand() throws Exception {
    Path file = dir.resolve("tls.der");
    Files.write(file, issue(KeyAlgorithm.DEFAULT, Duration.ofDays(1)).certificate().getEncoded());

    TlsMaterialException e = assertThrows(TlsMaterialException.class, () -> PemFiles.readCertificates(file));
    assertTrue(e.getMessage().contains("binary DER; convert it with `openssl x509 -inform der -in " + file),
        e.getMessage());
  }

  @Test
  void corruptBase64IsReportedAsInvalidPem() throws Exception {
    Path file = write("tls.crt", "-----BEGIN CERTIFICATE-----\n!!!!not base64!!!!\n-----END CERTIFICATE-----\n");

    TlsMaterialException e = assertThrows(TlsMaterialException.class, () -> PemFiles.readCertificates(file));
    assertTrue(e.getMessage().startsWith(file + " is not valid PEM"), e.getMessage());
  }

  @Test
  void swappedFilesAreReportedAsWrongKind() throws Exception {
    Path certFile = write("tls.crt", OpensslGeneratedPem.PKCS1_RSA_CERT);
    Path keyFile = write("tls.key", OpensslGeneratedPem.PKCS1_RSA_KEY);

    TlsMaterialException keyFromCert =
        assertThrows(TlsMaterialException.class, () -> PemFiles.readPrivateKey(certFile));
    assertTrue(keyFromCert.getMessage().startsWith(certFile + " contains CERTIFICATE but no private key;"
        + " it looks like a certificate file, so check that the certificate and key paths are not swapped"),
        keyFromCert.getMessage());

    TlsMaterialException certFromKey =
        assertThrows(TlsMaterialException.class, () -> PemFiles.readCertificates(keyFile));
    assertTrue(certFromKey.getMessage().startsWith(keyFile + " contains RSA PRIVATE KEY but no CERTIFICATE;"
        + " it looks like a private key file"), certFromKey.getMessage());
  }

  @Test
  void encryptedKeysAreRefusedWithDecryptionCommand() throws Exception {
    Path pkcs8 = write("pkcs8.key", pem("ENCRYPTED PRIVATE KEY", new byte[] {0x30, 0x00}));
    Path legacy = write("legacy.key", """
        -----BEGIN RSA PRIVATE KEY-----
        Proc-Type: 4,ENCRYPTED
        DEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF

        MAA=
        -----END RSA PRIVATE KEY-----
        """);

    for (Path file : List.of(pkcs8, legacy)) {
      TlsMaterialException e = assertThrows(TlsMaterialException.class, () -> PemFiles.readPrivateKey(file));
      assertTrue(e.getMessage().startsWith(file + " holds an encrypted private key"), e.getMessage());
      assertTrue(e.getMessage().contains("openssl pkey -in " + file), e.getMessage());
    }
  }

  @Test
  void keyBlockWithoutAKeyIsReportedAsInvalid() throws Exception {
    Path file = write("tls.key", pem("EC PRIVATE KEY", new byte[] {0x30, 0x00}));

    TlsMaterialException e = assertThrows(TlsMaterialException.class, () -> PemFiles.readPrivateKey(file));
    assertTrue(e.getMessage().startsWith("The EC PRIVATE KEY block in " + file + " is not a valid key"),
        e.getMessage());
  }

  @Test
  void severalKeysInOneFileAreRefused() throws Exception {
    Path file = write("tls.key", OpensslGeneratedPem.PKCS1_RSA_KEY + OpensslGeneratedPem.SEC1_EC_KEY);

    TlsMaterialException e = assertThrows(TlsMaterialException.class, () -> PemFiles.readPrivateKey(file));
    assertTrue(e.getMessage().contains("contains 2 private keys"), e.getMessage());
  }

  @Test
  void missingFileIsNamed() {
    Path file = dir.resolve("absent.crt");

    NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> PemFiles.readCertificates(file));
    assertEquals(file.toString(), e.getFile());
  }

  private ServingCertificate issue(KeyAlgorithm alg, Duration validity) {
    CertificateAuthority ca = CertificateAuthority.create("Test CA", Duration.ofDays(365), alg, CLOCK);
    return ca.issue(List.of("webhook.example"), List.of("127.0.0.1"), validity, alg);
  }

  private Path write(String name, String content) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, content, US_ASCII);
    return file;
  }

  private static String pem(String type, byte[] content) throws Exception {
    StringWriter out = new StringWriter();
    try (PemWriter writer = new PemWriter(out)) {
      writer.writeObject(new PemObject(type, content));
    }
    return out.toString();
  }
}
