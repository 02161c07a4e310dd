package dev.triage.server;

import static dev.triage.server.Reviews.bytes;
import static dev.triage.server.Reviews.pod;
import static dev.triage.server.Reviews.uid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triage.certs.PemFiles;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code triage serve} through a life: development certificates, a warm-up, a review, a
 * broken rules edit and a good one (warmed before it serves), SIGTERM. Every line it writes, on either stream, is one JSON object, so one
 * log pipeline parses them all.
 */
class ServeLogIT {

  @Test
  void everyLineServeWritesIsJson(@TempDir Path dir) throws Exception {
    Path rules = Files.createDirectory(dir.resolve("rules"));
    Path rule = rules.resolve("deny-privileged.yaml");
    Files.writeString(rule, RuleReloadTest.rule("first"));
    Path stdout = dir.resolve("stdout");
    Path stderr = dir.resolve("stderr");
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process serve = new ProcessBuilder(java, "-jar", "target/triage.jar", "serve", "--rules", rules.toString(),
        "--host", "127.0.0.1", "--port", String.valueOf(port), "--metrics-port", "0",
        "--dev-certs", dir.resolve("certs").toString(), "--reload-interval", "50ms",
        "--shutdown-delay", "100ms", "--shutdown-timeout", "1s")
        .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
    try {
      waitUntil(() -> Files.exists(dir.resolve("certs/ca.crt")) && contains(stderr, "\"listening\""));
      HttpClient client = HttpClient.newBuilder()
          .sslContext(RunningServer.trusting(PemFiles.readCertificates(dir.resolve("certs/ca.crt")).get(0))).build();
      HttpResponse<String> review = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/validate"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(bytes(pod(uid(), "[{\"name\":\"a\",\"image\":\"x:1\"}]", "{}"))))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, review.statusCode(), review.body());

      Files.writeString(rule, RuleReloadTest.BROKEN);
      waitUntil(() -> contains(stderr, "\"rules.rejected\""));
      Files.writeString(rule, RuleReloadTest.rule("second"));
      waitUntil(() -> contains(stderr, "\"rules.reloaded\""));

      serve.destroy();
      assertTrue(serve.waitFor(30, TimeUnit.SECONDS), "still running 30 s after SIGTERM");
    } finally {
      serve.destroyForcibly();
    }

    List<String> events = new ArrayList<>();
    for (Path stream : List.of(stdout, stderr)) {
      for (JsonNode line : LogLines.parse(Files.readString(stream), stream.getFileName().toString())) {
        events.add(line.path("event").asText(line.path("logger").asText()));
      }
    }
    for (String event : List.of("certificate.development", "certificate.loaded", "listening", "warm-up", "decision",
        "rules.problem", "rules.rejected", "rules.reloaded", "stopping", "stopped")) {
      assertTrue(events.contains(event), event + " missing from " + events);
    }
    String log = Files.readString(stderr);
    assertTrue(log.matches("(?s).*\"event\":\"listening\".*\"compiledExpressions\":\\d+,\"interpretedExpressions\":0.*"),
        "the start line says how many expressions run compiled, and that none fall back: " + log);
    int warmed = log.indexOf("\"phase\":\"reload\"");
    assertTrue(warmed >= 0 && warmed < log.indexOf("\"rules.reloaded\""),
        "the edited rules are warmed before they serve: " + log);
  }

  private static boolean contains(Path file, String text) {
    try {
      return Files.exists(file) && Files.readString(file).contains(text);
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static void waitUntil(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "not reached within 60 s");
      Thread.sleep(20);
    }
  }
}
