package dev.triage.server;

import static dev.triage.server.Reviews.bytes;
import static dev.triage.server.Reviews.pod;
import static dev.triage.server.Reviews.uid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.triage.certs.DevCertificates;
import dev.triage.certs.PemFiles;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real {@code triage serve} processes behind one address, restarted one after the other with
 * SIGTERM while clients keep sending reviews over keep-alive connections: no review fails, and
 * each process exits within its shutdown bound.
 */
class RollingRestartIT {
  private static final Duration SHUTDOWN_DELAY = Duration.ofSeconds(1);
  private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);
  private static final String CONTAINERS = "[{\"name\":\"app\",\"image\":\"registry.local/ehr:1\"}]";

  private Path certs;
  private SSLContext trust;
  private final Map<Integer, Boolean> ready = new ConcurrentHashMap<>();

  @Test
  void noReviewFailsWhileBothReplicasRestart(@TempDir Path dir) throws Exception {
    certs = dir.resolve("certs");
    DevCertificates.Paths pem = DevCertificates.ensure(certs, Clock.systemUTC());
    trust = RunningServer.trusting(PemFiles.readCertificates(pem.caCert()).get(0));
    int portA = freePort();
    int portB = freePort();
    Process a = start(portA);
    Process b = start(portB);
    AtomicBoolean running = new AtomicBoolean(true);
    Thread prober = new Thread(() -> {
      HttpClient client = HttpClient.newBuilder().sslContext(trust).connectTimeout(Duration.ofMillis(500)).build();
      while (running.get()) {
        for (int port : List.of(portA, portB)) {
          ready.put(port, isReady(client, port));
        }
        sleep(100); // an endpoints controller is slower than this; the shutdown delay covers it
      }
    });
    prober.start();
    AtomicLong sent = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicLong slowestMillis = new AtomicLong();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    List<Thread> load = new ArrayList<>();
    try (TcpProxy proxy = new TcpProxy(List.of(portA, portB), port -> ready.getOrDefault(port, false))) {
      waitUntil(() -> ready.getOrDefault(portA, false) && ready.getOrDefault(portB, false), Duration.ofSeconds(60));
      for (int t = 0; t < 4; t++) {
        HttpClient client = HttpClient.newBuilder().sslContext(trust).version(HttpClient.Version.HTTP_1_1).build();
        Thread thread = new Thread(() -> {
          while (running.get()) {
            sent.incrementAndGet();
            long started = System.nanoTime();
            try {
              HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                      URI.create("https://localhost:" + proxy.port() + "/validate?timeout=10s"))
                  .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                  .POST(HttpRequest.BodyPublishers.ofByteArray(bytes(pod(uid(), CONTAINERS, "{\"team\":\"t\"}"))))
                  .build(), HttpResponse.BodyHandlers.ofString());
              if (response.statusCode() != 200 || !response.body().contains("\"allowed\":true")) {
                failed.incrementAndGet();
                failures.add(response.statusCode() + " " + response.body());
              }
            } catch (Exception e) {
              failed.incrementAndGet();
              failures.add(e.toString());
            }
            slowestMillis.accumulateAndGet((System.nanoTime() - started) / 1_000_000, Math::max);
          }
        });
        thread.start();
        load.add(thread);
      }
      waitUntil(() -> sent.get() > 200, Duration.ofSeconds(60));

      List<Duration> exits = new ArrayList<>();
      exits.add(stop(a));
      a = start(portA);
      waitUntil(() -> ready.getOrDefault(portA, false), Duration.ofSeconds(60));
      exits.add(stop(b));
      b = start(portB);
      waitUntil(() -> ready.getOrDefault(portB, false), Duration.ofSeconds(60));
      long before = sent.get();
      waitUntil(() -> sent.get() > before + 200, Duration.ofSeconds(60));

      running.set(false);
      for (Thread thread : load) {
        thread.join();
      }
      prober.join();
      System.out.printf("rolling restart: %d reviews sent, %d failed, slowest %d ms, exits after %s%n", sent.get(),
          failed.get(), slowestMillis.get(), exits.stream().map(d -> d.toMillis() + " ms").toList());
      assertEquals(0, failed.get(), "failed reviews: " + failures.stream().limit(3).toList());
      for (Duration exit : exits) {
        assertTrue(exit.compareTo(SHUTDOWN_DELAY.plus(SHUTDOWN_TIMEOUT)) < 0, "exited after " + exit);
      }
    } finally {
      running.set(false);
      a.destroyForcibly();
      b.destroyForcibly();
    }
  }

  private Process start(int port) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(java, "-jar", "target/triage.jar", "serve", "--rules", "src/test/resources/server-rules",
        "--host", "127.0.0.1", "--port", String.valueOf(port), "--metrics-port", "0",
        "--cert", certs.resolve("tls.crt").toString(), "--key", certs.resolve("tls.key").toString(),
        "--shutdown-delay", SHUTDOWN_DELAY.toMillis() + "ms", "--shutdown-timeout", SHUTDOWN_TIMEOUT.toMillis() + "ms")
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(certs.resolveSibling("triage-" + port + ".log").toFile()))
        .start();
  }

  /** Sends SIGTERM, as the kubelet does, and returns how long the process took to exit. */
  private static Duration stop(Process process) throws Exception {
    long started = System.nanoTime();
    process.destroy();
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "still running 30 s after SIGTERM");
    return Duration.ofNanos(System.nanoTime() - started);
  }

  private boolean isReady(HttpClient client, int port) {
    try {
      return client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/readyz"))
          .timeout(Duration.ofMillis(500)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (Exception e) {
      return false;
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void waitUntil(java.util.function.BooleanSupplier condition, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "not reached within " + limit);
      sleep(20);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
