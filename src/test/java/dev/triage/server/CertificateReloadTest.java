package dev.triage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.triage.certs.CertificateAuthority;
import dev.triage.certs.KeyAlgorithm;
import dev.triage.certs.PemFiles;
import dev.triage.certs.ServingCertificate;
import dev.triage.certs.rotation.MutableClock;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve --cert --key} follows its files, refuses what cannot be served, and reports expiry. */
class CertificateReloadTest {
  private static final Clock CLOCK = Clock.systemUTC();

  @TempDir
  Path dir;

  private CertificateAuthority ca;
  private ReloadingServer server;
  private PublishedBundle bundle;

  @BeforeEach
  void start() throws Exception {
    ca = CertificateAuthority.create("Triage reload test CA", Duration.ofDays(30), KeyAlgorithm.DEFAULT, CLOCK);
    server = new ReloadingServer(dir, ca, CLOCK);
    bundle = new PublishedBundle(List.of(ca.certificate()));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private ServingCertificate issue(Duration validity) {
    return ca.issue(List.of("localhost"), List.of("127.0.0.1"), validity, KeyAlgorithm.DEFAULT);
  }

  private X509Certificate presented(HttpClient.Version version) throws Exception {
    HttpClient client = HttpClient.newBuilder().sslContext(bundle.context()).version(version).build();
    HttpResponse<String> response = client.send(HttpRequest.newBuilder(server.uri("/healthz")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode());
    assertEquals(version, response.version());
    return (X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0];
  }

  @Test
  void servesTheNewPairAfterTheSecretVolumeSwapsItsDataLink() throws Exception {
    X509Certificate before = presented(HttpClient.Version.HTTP_1_1);
    ServingCertificate renewed = issue(Duration.ofDays(2));
    server.volume.publish(ReloadingServer.files(renewed, List.of(ca.certificate())));

    assertTrue(server.watcher.reload());

    assertEquals(renewed.certificate(), presented(HttpClient.Version.HTTP_1_1));
    assertEquals(renewed.certificate(), presented(HttpClient.Version.HTTP_2)); // ALPN survives the swap
    assertFalse(before.equals(renewed.certificate()));
    assertFalse(server.watcher.reload(), "unchanged files are not loaded again");
  }

  @Test
  void refusesAKeyOfAnotherCertificateAndKeepsServingTheOldOne() throws Exception {
    X509Certificate before = presented(HttpClient.Version.HTTP_1_1);
    Map<String, byte[]> files = new HashMap<>(ReloadingServer.files(issue(Duration.ofDays(2)),
        List.of(ca.certificate())));
    files.put("tls.key", PemFiles.encodePrivateKey(issue(Duration.ofDays(2)).privateKey()));
    server.volume.publish(files);

    assertFalse(server.watcher.reload());

    assertEquals(before, presented(HttpClient.Version.HTTP_1_1));
    String refusal = lineWith("certificate.refused");
    assertTrue(refusal.contains("does not belong to the certificate in " + server.volume.file("tls.crt")), refusal);
    assertTrue(refusal.contains("\"serving\":\"the previous certificate\""), refusal);
    assertFalse(server.watcher.reload());
    assertEquals(1, count("certificate.refused"), "the same bad pair is reported once");
  }

  @Test
  void refusesAHalfWrittenCertificateThenServesItOnceComplete() throws Exception {
    X509Certificate before = presented(HttpClient.Version.HTTP_1_1);
    ServingCertificate renewed = issue(Duration.ofDays(2));
    byte[] pem = PemFiles.encodeCertificates(List.of(renewed.certificate()));
    // A writer that replaces files in place (not a Secret volume) is caught half way.
    Path cert = server.volume.file("tls.crt").toRealPath();
    Path key = server.volume.file("tls.key").toRealPath();
    Files.write(key, PemFiles.encodePrivateKey(renewed.privateKey()));
    Files.write(cert, Arrays.copyOf(pem, pem.length / 2));

    assertFalse(server.watcher.reload());
    assertEquals(before, presented(HttpClient.Version.HTTP_1_1));
    assertTrue(lineWith("certificate.refused").contains(server.volume.file("tls.crt").toString()), server.logs());

    Files.write(cert, pem);
    assertTrue(server.watcher.reload());
    assertEquals(renewed.certificate(), presented(HttpClient.Version.HTTP_1_1));
  }

  @Test
  void refusesExpiredAndNotYetValidCertificates() throws Exception {
    X509Certificate before = presented(HttpClient.Version.HTTP_1_1);
    Instant now = CLOCK.instant();
    CertificateAuthority past = CertificateAuthority.create("Old CA", Duration.ofDays(30), KeyAlgorithm.DEFAULT,
        Clock.fixed(now.minus(Duration.ofDays(40)), ZoneOffset.UTC));
    ServingCertificate expired = past.issue(List.of("localhost"), List.of(), Duration.ofDays(10), KeyAlgorithm.DEFAULT);
    server.volume.publish(ReloadingServer.files(expired, List.of(past.certificate())));
    assertFalse(server.watcher.reload());
    assertTrue(lineWith("certificate.refused").contains("expired on"), server.logs());

    CertificateAuthority future = CertificateAuthority.create("Future CA", Duration.ofDays(30),
        KeyAlgorithm.DEFAULT, Clock.fixed(now.plus(Duration.ofDays(1)), ZoneOffset.UTC));
    ServingCertificate early = future.issue(List.of("localhost"), List.of(), Duration.ofDays(10), KeyAlgorithm.DEFAULT);
    server.volume.publish(ReloadingServer.files(early, List.of(future.certificate())));
    assertFalse(server.watcher.reload());
    assertTrue(server.logs().contains("is not valid before"), server.logs());

    assertEquals(before, presented(HttpClient.Version.HTTP_1_1));
  }

  @Test
  void readyzAndTheLoadLogTellTheSecondsLeftOnCertificateAndCa() throws Exception {
    ServingCertificate renewed = issue(Duration.ofDays(2));
    server.volume.publish(ReloadingServer.files(renewed, List.of(ca.certificate())));
    server.watcher.reload();

    HttpClient client = HttpClient.newBuilder().sslContext(bundle.context()).build();
    String readyz = client.send(HttpRequest.newBuilder(server.uri("/readyz")).build(),
        HttpResponse.BodyHandlers.ofString()).body();

    long servingLeft = Duration.ofDays(2).toSeconds();
    long caLeft = Duration.ofDays(30).toSeconds();
    assertTrue(readyz.startsWith("ok\ncertificate: serving expires in "), readyz);
    assertTrue(secondsIn(readyz, "serving expires in ") > servingLeft - 60, readyz);
    assertTrue(secondsIn(readyz, "serving expires in ") <= servingLeft, readyz);
    assertTrue(secondsIn(readyz, "CA expires in ") > caLeft - 60, readyz);
    assertTrue(Math.abs(server.tls.secondsUntilServingExpiry() - servingLeft) < 60);
    assertTrue(Math.abs(server.tls.secondsUntilCaExpiry() - caLeft) < 60);
    String loaded = server.logs().lines().filter(l -> l.contains("certificate.loaded")).reduce((a, b) -> b).orElseThrow();
    assertTrue(loaded.contains("\"notAfter\":\"" + renewed.certificate().getNotAfter().toInstant() + "\""), loaded);
    assertTrue(loaded.contains("\"caSecondsLeft\":"), loaded);
  }

  @Test
  void readyzTurns503OnceTheServedCertificateHasExpired(@TempDir Path other) throws Exception {
    MutableClock clock = new MutableClock(Instant.now());
    try (ReloadingServer expiring = new ReloadingServer(other, ca, clock)) {
      HttpClient client = HttpClient.newBuilder().sslContext(bundle.context()).build();
      HttpRequest readyz = HttpRequest.newBuilder(expiring.uri("/readyz")).build();
      assertEquals(200, client.send(readyz, HttpResponse.BodyHandlers.ofString()).statusCode());

      clock.advance(Duration.ofDays(1).plusMinutes(1));

      HttpResponse<String> expired = client.send(readyz, HttpResponse.BodyHandlers.ofString());
      assertEquals(503, expired.statusCode(), expired.body());
      assertTrue(expired.body().contains("serving certificate expired 6"), expired.body());
      assertTrue(expired.body().contains("renew the certificate from " + other), expired.body());
    }
  }

  @Test
  void warnsOnlyAboutTheCertificateWithinSevenDaysOfExpiry() throws Exception {
    server.volume.publish(ReloadingServer.files(issue(Duration.ofDays(6)), List.of(ca.certificate())));
    server.watcher.reload();

    server.tls.warnIfExpiring();

    String warning = lineWith("certificate.expiring");
    assertTrue(warning.contains("\"level\":\"warning\",\"certificate\":\"serving\""), warning);
    assertEquals(1, count("certificate.expiring"), "the CA has 30 days left: no warning for it");

    server.volume.publish(ReloadingServer.files(issue(Duration.ofDays(8)), List.of(ca.certificate())));
    server.watcher.reload();
    server.tls.warnIfExpiring();
    assertEquals(1, count("certificate.expiring"), "8 days left: no new warning");
  }

  private String lineWith(String event) {
    return server.logs().lines().filter(line -> line.contains(event)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + event + " in " + server.logs()));
  }

  private long count(String event) {
    return server.logs().lines().filter(line -> line.contains(event)).count();
  }

  private static long secondsIn(String text, String prefix) {
    int start = text.indexOf(prefix) + prefix.length();
    return Long.parseLong(text.substring(start, text.indexOf('s', start)));
  }
}
