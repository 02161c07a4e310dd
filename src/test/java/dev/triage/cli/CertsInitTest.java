package dev.triage.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.triage.certs.PemFiles;
import dev.triage.certs.ServingCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code triage certs init}: the files an operator puts in a Secret and a caBundle. */
class CertsInitTest {
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final int DIGITAL_SIGNATURE = 0;

  @TempDir
  Path dir;

  @Test
  void writesAnEcdsaCaAndServingCertificateForTheServiceNames() throws Exception {
    Path out = dir.resolve("webhook");
    CliTest.Run run = CliTest.run("certs", "init", "--out", out.toString(), "--dns", "triage.triage-system.svc",
        "--dns", "triage.triage-system.svc.cluster.local", "--ip", "10.0.0.7", "--days", "90");
    assertEquals(0, run.exit(), run.err());

    X509Certificate ca = PemFiles.readCertificates(out.resolve("ca.crt")).get(0);
    ServingCertificate serving = PemFiles.loadServingPair(out.resolve("tls.crt"), out.resolve("tls.key"),
        Clock.systemUTC());
    X509Certificate leaf = serving.certificate();
    leaf.verify(ca.getPublicKey());
    assertTrue(leaf.getPublicKey() instanceof ECPublicKey);
    assertEquals(Set.of("triage.triage-system.svc", "triage.triage-system.svc.cluster.local", "10.0.0.7"),
        leaf.getSubjectAlternativeNames().stream().map(name -> (String) name.get(1)).collect(Collectors.toSet()));
    assertEquals(List.of(SERVER_AUTH), leaf.getExtendedKeyUsage());
    assertTrue(leaf.getKeyUsage()[DIGITAL_SIGNATURE]);
    assertEquals(-1, leaf.getBasicConstraints(), "the serving certificate is no CA");
    assertTrue(ca.getBasicConstraints() >= 0, "the CA certificate is a CA");
    Instant now = Instant.now();
    assertNear(now.plus(Duration.ofDays(90)), leaf.getNotAfter().toInstant());
    assertNear(now.plus(Duration.ofDays(3650)), ca.getNotAfter().toInstant());
    assertTrue(leaf.getNotBefore().toInstant().isBefore(now), "valid at once, even for clocks slightly behind");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("tls.key"))));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("ca.key"))));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
  }

  @Test
  void makesRsaKeysWhenAsked() throws Exception {
    CliTest.Run run = CliTest.run("certs", "init", "--out", dir.toString(), "--dns", "localhost",
        "--key-algorithm", "rsa-3072");
    assertEquals(0, run.exit(), run.err());
    X509Certificate leaf = PemFiles.readCertificates(dir.resolve("tls.crt")).get(0);
    assertEquals(3072, ((RSAPublicKey) leaf.getPublicKey()).getModulus().bitLength());
    assertTrue(run.out().contains("(rsa-3072)"), run.out());
  }

  @Test
  void keepsExistingFilesUnlessForced() throws Exception {
    assertEquals(0, CliTest.run("certs", "init", "--out", dir.toString(), "--dns", "localhost").exit());
    byte[] first = Files.readAllBytes(dir.resolve("ca.crt"));

    CliTest.Run again = CliTest.run("certs", "init", "--out", dir.toString(), "--dns", "localhost");
    assertEquals(1, again.exit());
    assertTrue(again.err().contains("pass --force"), again.err());
    assertEquals(new String(first), Files.readString(dir.resolve("ca.crt")));

    assertEquals(0, CliTest.run("certs", "init", "--out", dir.toString(), "--dns", "localhost", "--force").exit());
    assertTrue(!new String(first).equals(Files.readString(dir.resolve("ca.crt"))));
  }

  @Test
  void refusesWithoutNamesOrWithAnUnknownAlgorithm() {
    CliTest.Run noNames = CliTest.run("certs", "init", "--out", dir.toString());
    assertEquals(2, noNames.exit());
    assertTrue(noNames.err().contains("give at least one --dns or --ip"), noNames.err());

    CliTest.Run badAlg = CliTest.run("certs", "init", "--out", dir.toString(), "--dns", "x", "--key-algorithm", "dsa");
    assertEquals(2, badAlg.exit());
    assertTrue(badAlg.err().contains("use ecdsa-p256, rsa-2048 or rsa-3072"), badAlg.err());

    CliTest.Run ipAsDns = CliTest.run("certs", "init", "--out", dir.toString(), "--dns", "10.0.0.1");
    assertEquals(2, ipAsDns.exit());
    assertTrue(ipAsDns.err().contains("'10.0.0.1' is an IP address"), ipAsDns.err());
  }

  @Test
  void serveRefusesAKeyThatDoesNotBelongToTheCertificate() throws Exception {
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    assertEquals(0, CliTest.run("certs", "init", "--out", a.toString(), "--dns", "localhost").exit());
    assertEquals(0, CliTest.run("certs", "init", "--out", b.toString(), "--dns", "localhost").exit());

    CliTest.Run serve = CliTest.run("serve", "--port", "0", "--cert", a.resolve("tls.crt").toString(),
        "--key", b.resolve("tls.key").toString());

    assertEquals(1, serve.exit());
    assertTrue(serve.err().contains("does not belong to the certificate in " + a.resolve("tls.crt")), serve.err());
  }

  @Test
  void serveRefusesSelfManagedModeTogetherWithCertificateFiles() {
    CliTest.Run serve = CliTest.run("serve", "--self-managed", "--cert", "a.crt", "--key", "a.key");

    assertEquals(2, serve.exit());
    assertTrue(serve.err().contains("--self-managed makes its own certificates"), serve.err());
    assertTrue(serve.err().contains("--validating-webhook"), "usage lists the self-managed options");
  }

  private static void assertNear(Instant expected, Instant actual) {
    assertTrue(Math.abs(Duration.between(expected, actual).toSeconds()) < 120, actual + " is not about " + expected);
  }
}
