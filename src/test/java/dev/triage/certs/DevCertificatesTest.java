package dev.triage.certs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevCertificatesTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static final int DNS = 2;
  private static final int IP = 7;

  @TempDir
  Path root;

  @Test
  void createsDirectoryCaAndServingCertificateForLocalMachine() throws Exception {
    Path dir = root.resolve("state/dev-certs");

    DevCertificates.Paths paths = DevCertificates.ensure(dir, at(T0), () -> Optional.of("Build-Host"));

    assertTrue(paths.created());
    assertEquals(dir.resolve("ca.crt"), paths.caCert());
    assertEquals(dir.resolve("tls.crt"), paths.cert());
    assertEquals(dir.resolve("tls.key"), paths.key());
    assertTrue(Files.isRegularFile(dir.resolve("ca.key")));

    X509Certificate ca = PemFiles.readCertificates(paths.caCert()).get(0);
    assertEquals("CN=Triage development CA", ca.getSubjectX500Principal().getName());
    assertTrue(ca.getBasicConstraints() >= 0);
    assertEquals(T0.plus(Duration.ofDays(365)), ca.getNotAfter().toInstant());
    PemFiles.checkPair(ca, PemFiles.readPrivateKey(dir.resolve("ca.key")));

    ServingCertificate serving = PemFiles.loadServingPair(paths.cert(), paths.key(), at(T0));
    X509Certificate leaf = serving.certificate();
    leaf.verify(ca.getPublicKey());
    assertEquals(T0.plus(Duration.ofDays(90)), leaf.getNotAfter().toInstant());
    assertEquals(
        Set.of(List.of(DNS, "localhost"), List.of(DNS, "build-host"),
            List.of(IP, "127.0.0.1"), List.of(IP, "0:0:0:0:0:0:0:1")),
        CertificateAuthorityTest.subjectAltNames(leaf));
  }

  @Test
  void keysAndDirectoryAreOwnerOnly() throws Exception {
    assumeTrue(root.getFileSystem().supportedFileAttributeViews().contains("posix"), "needs POSIX permissions");
    Path dir = root.resolve("dev-certs");

    DevCertificates.Paths paths = DevCertificates.ensure(dir, at(T0), Optional::empty);

    assertEquals("rw-------", permissions(paths.key()));
    assertEquals("rw-------", permissions(dir.resolve("ca.key")));
    assertEquals("rwx------", permissions(dir));
  }

  @Test
  void reusesFilesWhileAtLeastThirtyDaysRemain() throws Exception {
    Path dir = root.resolve("dev-certs");
    DevCertificates.ensure(dir, at(T0), Optional::empty);
    byte[] cert = Files.readAllBytes(dir.resolve("tls.crt"));
    byte[] key = Files.readAllBytes(dir.resolve("tls.key"));
    byte[] ca = Files.readAllBytes(dir.resolve("ca.crt"));

    DevCertificates.Paths again = DevCertificates.ensure(dir, at(T0.plus(Duration.ofDays(60))), Optional::empty);

    assertFalse(again.created());
    assertArrayEquals(cert, Files.readAllBytes(again.cert()));
    assertArrayEquals(key, Files.readAllBytes(again.key()));
    assertArrayEquals(ca, Files.readAllBytes(again.caCert()));
  }

  @Test
  void regeneratesWhenFewerThanThirtyDaysRemain() throws Exception {
    Path dir = root.resolve("dev-certs");
    DevCertificates.ensure(dir, at(T0), Optional::empty);
    X509Certificate before = PemFiles.readCertificates(dir.resolve("tls.crt")).get(0);
    Instant later = T0.plus(Duration.ofDays(61));

    DevCertificates.Paths again = DevCertificates.ensure(dir, at(later), Optional::empty);

    assertTrue(again.created());
    X509Certificate after = PemFiles.readCertificates(again.cert()).get(0);
    assertNotEquals(before.getSerialNumber(), after.getSerialNumber());
    assertEquals(later.plus(Duration.ofDays(90)), after.getNotAfter().toInstant());
  }

  @Test
  void regeneratesExpiredCertificate() throws Exception {
    Path dir = root.resolve("dev-certs");
    DevCertificates.ensure(dir, at(T0), Optional::empty);
    Clock afterExpiry = at(T0.plus(Duration.ofDays(120)));

    DevCertificates.Paths again = DevCertificates.ensure(dir, afterExpiry, Optional::empty);

    assertTrue(again.created());
    ServingCertificate serving = PemFiles.loadServingPair(again.cert(), again.key(), afterExpiry);
    serving.certificate().verify(PemFiles.readCertificates(again.caCert()).get(0).getPublicKey());
  }

  @Test
  void regeneratesWhenKeyDoesNotMatchCertificate() throws Exception {
    Path dir = root.resolve("dev-certs");
    DevCertificates.Paths paths = DevCertificates.ensure(dir, at(T0), Optional::empty);
    PemFiles.writePrivateKey(paths.key(), PemFiles.readPrivateKey(dir.resolve("ca.key")));

    DevCertificates.Paths again = DevCertificates.ensure(dir, at(T0), Optional::empty);

    assertTrue(again.created());
    PemFiles.loadServingPair(again.cert(), again.key(), at(T0));
  }

  @Test
  void regeneratesWhenServingCertificateWasNotIssuedByTheCa() throws Exception {
    Path dir = root.resolve("dev-certs");
    DevCertificates.Paths paths = DevCertificates.ensure(dir, at(T0), Optional::empty);
    CertificateAuthority stranger =
        CertificateAuthority.create("Other CA", Duration.ofDays(365), KeyAlgorithm.DEFAULT, at(T0));
    PemFiles.writeCertificates(paths.caCert(), List.of(stranger.certificate()));

    assertTrue(DevCertificates.ensure(dir, at(T0), Optional::empty).created());
  }

  @Test
  void regeneratesWhenAFileIsMissingOrCorrupt() throws Exception {
    Path dir = root.resolve("dev-certs");
    DevCertificates.Paths paths = DevCertificates.ensure(dir, at(T0), Optional::empty);

    Files.delete(paths.caCert());
    assertTrue(DevCertificates.ensure(dir, at(T0), Optional::empty).created());

    Files.writeString(paths.cert(), "garbage");
    assertTrue(DevCertificates.ensure(dir, at(T0), Optional::empty).created());
    assertFalse(DevCertificates.ensure(dir, at(T0), Optional::empty).created());
  }

  @Test
  void skipsUnusableHostName() throws Exception {
    Path dir = root.resolve("dev-certs");

    DevCertificates.Paths paths = DevCertificates.ensure(dir, at(T0), () -> Optional.of("not a host name"));

    assertEquals(
        Set.of(List.of(DNS, "localhost"), List.of(IP, "127.0.0.1"), List.of(IP, "0:0:0:0:0:0:0:1")),
        CertificateAuthorityTest.subjectAltNames(PemFiles.readCertificates(paths.cert()).get(0)));
  }

  @Test
  void publicEntryPointUsesTheMachineHostNameWhenAvailable() throws Exception {
    Clock now = Clock.systemUTC();

    DevCertificates.Paths paths = DevCertificates.ensure(root.resolve("dev-certs"), now);

    assertTrue(paths.created());
    X509Certificate leaf = PemFiles.loadServingPair(paths.cert(), paths.key(), now).certificate();
    assertTrue(CertificateAuthorityTest.subjectAltNames(leaf).containsAll(
        Set.of(List.of(DNS, "localhost"), List.of(IP, "127.0.0.1"), List.of(IP, "0:0:0:0:0:0:0:1"))));
    assertFalse(DevCertificates.ensure(root.resolve("dev-certs"), now).created());
  }

  private static Clock at(Instant instant) {
    return Clock.fixed(instant, ZoneOffset.UTC);
  }

  private static String permissions(Path path) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }
}
