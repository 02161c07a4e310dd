package dev.triage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.triage.certs.CertificateAuthority;
import dev.triage.certs.KeyAlgorithm;
import dev.triage.certs.ServingCertificate;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Serving certificates renewed and CAs rolled over, again and again, while several clients post
 * reviews over keep-alive connections and open new ones: no request fails, and every handshake
 * validates against the CA bundle published at that moment.
 */
class CertificateRotationUnderLoadTest {
  private static final int CLIENTS = 4;
  private static final int REQUESTS_PER_CONNECTION = 20;
  private static final int CA_ROLLOVERS = 8;
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String BODY = Reviews.pod("rotation", "[{\"name\":\"app\",\"image\":\"registry.local/ehr:1\"}]",
      "{\"team\":\"records\"}");

  @TempDir
  Path dir;

  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicInteger sent = new AtomicInteger();
  private final Queue<String> failures = new ConcurrentLinkedQueue<>();
  // The certificate behind each client's latest response.
  private final AtomicReferenceArray<X509Certificate> lastPresented = new AtomicReferenceArray<>(CLIENTS);

  @Test
  void renewalsAndCaRolloversUnderLoadFailNoRequestAndNoHandshake() throws Exception {
    Clock clock = Clock.systemUTC();
    CertificateAuthority ca = newCa(clock);
    PublishedBundle bundle = new PublishedBundle(List.of(ca.certificate()));
    int swaps = 0;
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    try (ReloadingServer server = new ReloadingServer(dir, ca, clock)) {
      server.watcher.start(Duration.ofMillis(50));
      List<Future<?>> load = new ArrayList<>();
      for (int i = 0; i < CLIENTS; i++) {
        int client = i;
        load.add(clients.submit(() -> postUntilStopped(server, bundle, client)));
      }
      X509Certificate first = server.served();
      awaitTrue(() -> bundle.presented.contains(first), "a client to see the first certificate");
      for (int rollover = 0; rollover < CA_ROLLOVERS; rollover++) {
        // Renewal under the current CA.
        swap(server, bundle, ca.issue(List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1),
            KeyAlgorithm.DEFAULT), List.of(ca.certificate()));
        // Rollover: publish old and new CA, then serve a certificate of the new CA, then drop the old.
        CertificateAuthority next = newCa(clock);
        bundle.publish(List.of(ca.certificate(), next.certificate()));
        ServingCertificate switched = next.issue(List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1),
            KeyAlgorithm.DEFAULT);
        swap(server, bundle, switched, List.of(ca.certificate(), next.certificate()));
        // As self-managed mode waits before dropping the old CA: a handshake that began before the
        // swap still presents the old certificate, so wait until every client has reconnected.
        awaitTrue(() -> allClientsSaw(switched.certificate()), "every client to connect to the new certificate");
        bundle.publish(List.of(next.certificate()));
        ca = next;
        swap(server, bundle, ca.issue(List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1),
            KeyAlgorithm.DEFAULT), List.of(ca.certificate()));
        swaps += 3;
      }
      running.set(false);
      for (Future<?> client : load) {
        client.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      }

      System.out.printf("certificate rotation under load: %d swaps (%d CA rollovers), %d requests sent,"
          + " %d failed, %d handshakes, %d refused%n", swaps, CA_ROLLOVERS, sent.get(), failures.size(),
          bundle.handshakes.get(), bundle.refused.get());
      assertEquals(0, failures.size(), "failed requests, the first: " + failures.stream().limit(3).toList());
      assertEquals(0, bundle.refused.get());
      // Every certificate served, the first and one per swap, was presented in a handshake.
      assertEquals(swaps + 1, bundle.presented.size());
      assertTrue(sent.get() >= swaps * REQUESTS_PER_CONNECTION, "only " + sent.get() + " requests sent");
      assertTrue(server.logs().contains("\"event\":\"certificate.loaded\""), server.logs());
      assertTrue(!server.logs().contains("certificate.refused"), server.logs());
    } finally {
      running.set(false);
      clients.shutdownNow();
    }
  }

  /** Publishes the pair to the volume and waits until the server presents it in a new handshake. */
  private void swap(ReloadingServer server, PublishedBundle bundle, ServingCertificate serving,
      List<X509Certificate> cas) throws Exception {
    server.volume.publish(ReloadingServer.files(serving, cas));
    awaitTrue(() -> server.served().equals(serving.certificate()), "the server to load the new certificate");
    awaitTrue(() -> bundle.presented.contains(serving.certificate()), "a client to see the new certificate");
  }

  private boolean allClientsSaw(X509Certificate certificate) {
    for (int i = 0; i < CLIENTS; i++) {
      if (!certificate.equals(lastPresented.get(i))) {
        return false;
      }
    }
    return true;
  }

  private void postUntilStopped(ReloadingServer server, PublishedBundle bundle, int index) {
    while (running.get()) {
      HttpClient client;
      try {
        client = HttpClient.newBuilder().sslContext(bundle.context()).version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
      } catch (Exception e) {
        failures.add("client: " + e);
        return;
      }
      for (int i = 0; i < REQUESTS_PER_CONNECTION && running.get(); i++) {
        sent.incrementAndGet();
        try {
          HttpResponse<String> response = client.send(HttpRequest.newBuilder(server.uri("/validate?timeout=10s"))
              .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
              .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(), HttpResponse.BodyHandlers.ofString());
          if (response.statusCode() != 200 || !response.body().contains("\"allowed\":true")) {
            failures.add(response.statusCode() + " " + response.body());
          }
          lastPresented.set(index, (X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0]);
        } catch (Exception e) {
          failures.add(e.toString());
        }
      }
    }
  }

  private static CertificateAuthority newCa(Clock clock) {
    return CertificateAuthority.create("Triage rotation test CA", Duration.ofDays(30), KeyAlgorithm.DEFAULT, clock);
  }

  private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(5);
    }
  }
}
