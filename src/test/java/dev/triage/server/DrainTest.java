package dev.triage.server;

import static dev.triage.server.Reviews.bytes;
import static dev.triage.server.Reviews.pod;
import static dev.triage.server.Reviews.uid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stopping a replica: not ready first, keep-alive callers sent elsewhere, in-flight reviews finished. */
class DrainTest {
  private static final String OK_POD = pod("x", "[{\"name\":\"a\",\"image\":\"x:1\"}]", "{\"team\":\"t\"}");

  /** A review the slow rule keeps busy until its deadline: most of {@code ?timeout=2s}. */
  private static String slowReview() {
    StringBuilder data = new StringBuilder();
    for (int i = 0; i < 400; i++) {
      data.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
    }
    return """
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"slow-1",
          "kind":{"group":"","version":"v1","kind":"ConfigMap"},
          "resource":{"group":"","version":"v1","resource":"configmaps"},
          "name":"big","namespace":"clinical","operation":"CREATE",
          "object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"big","labels":{"slow":"true"}},
            "data":{%s}}}}
        """.formatted(data);
  }

  @Test
  void drainingTurnsReadinessOffAndClosesEachKeepAliveConnectionAfterItsAnswer(@TempDir Path certs) throws Exception {
    try (RunningServer server = new RunningServer(Path.of("src/test/resources/server-rules"), certs)) {
      HttpClient client = server.client(HttpClient.Version.HTTP_1_1);
      HttpResponse<String> before = server.post(client, "/validate", "application/json", bytes(OK_POD));
      assertTrue(before.headers().firstValue("Connection").isEmpty(), "keep-alive while serving");

      server.server.drain();
      HttpResponse<String> ready = client.send(HttpRequest.newBuilder(server.uri("/readyz")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(503, ready.statusCode());
      HttpResponse<String> during = server.post(client, "/validate", "application/json",
          bytes(OK_POD.replace("\"x\"", "\"" + uid() + "\"")));
      assertEquals(200, during.statusCode(), "reviews are still answered while draining");
      assertEquals("close", during.headers().firstValue("Connection").orElse(""));
    }
  }

  @Test
  void shutdownFinishesTheReviewInFlightThenRefusesConnections(@TempDir Path certs) throws Exception {
    RunningServer server = new RunningServer(Path.of("src/test/resources/server-rules"), certs);
    try {
      HttpClient client = server.client(HttpClient.Version.HTTP_1_1);
      CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(
          HttpRequest.newBuilder(server.uri("/validate?timeout=2s")).header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(slowReview())).build(),
          HttpResponse.BodyHandlers.ofString());
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (server.server.reviewsInFlight() == 0) {
        assertTrue(System.nanoTime() < deadline, "the slow review was never in flight; its answer: "
            + (inFlight.isDone() ? inFlight.join().statusCode() + " " + inFlight.join().body() : "none yet"));
        Thread.sleep(10); // until the review is being evaluated
      }
      long started = System.nanoTime();
      server.server.shutdown(Duration.ofSeconds(10)).await();
      Duration took = Duration.ofNanos(System.nanoTime() - started);

      assertEquals(0, server.server.reviewsInFlight(), "shutdown waited for the review in flight");
      HttpResponse<String> answered = inFlight.get(2, java.util.concurrent.TimeUnit.SECONDS);
      assertEquals(200, answered.statusCode(), answered.body());
      assertTrue(answered.body().contains("\"uid\":\"slow-1\""), answered.body());
      assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "shutdown took " + took);
      assertFalse(server.server.ready());
      assertThrows(IOException.class, () -> server.post(server.client(HttpClient.Version.HTTP_1_1), "/healthz", null,
          new byte[0]));
    } finally {
      server.close();
    }
  }
}
