package dev.triage.server;

import static dev.triage.server.Reviews.bytes;
import static dev.triage.server.Reviews.pod;
import static dev.triage.server.Reviews.uid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of caller mistake gets a 4xx with a one-line reason, and the next good review is
 * served normally.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {
  private static final String SECRET = "hunter2-patient-0042";

  RunningServer server;
  HttpClient client;

  @BeforeAll
  void start(@TempDir Path certs) throws Exception {
    server = new RunningServer(Path.of("src/test/resources/server-rules"), certs);
    client = server.client(HttpClient.Version.HTTP_1_1);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @AfterEach
  void nextGoodReviewIsServed() throws Exception {
    HttpResponse<String> response = server.post(client, "/validate", "application/json",
        bytes(pod(uid(), "[{\"name\":\"a\",\"image\":\"x:1\"}]", "{\"team\":\"t\"}")));
    assertEquals(200, response.statusCode(), response.body());
    assertTrue(response.body().contains("\"allowed\":true"), response.body());
  }

  static Stream<Arguments> badBodies() {
    String review = pod("u-1", "[{\"name\":\"a\",\"image\":\"x:1\"}]", "{}");
    return Stream.of(
        Arguments.of("empty body", new byte[0], 400, "empty body"),
        Arguments.of("not JSON", bytes("password=" + SECRET), 400, "not valid JSON"),
        Arguments.of("invalid UTF-8", new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, 0x28, '"', '}'}, 400,
            "not valid JSON"),
        Arguments.of("JSON array", bytes("[1,2]"), 400, "not a JSON object"),
        Arguments.of("truncated JSON", bytes(review.substring(0, review.length() / 2)), 400, "not valid JSON"),
        Arguments.of("trailing garbage", bytes(review + "}"), 400, "not valid JSON"),
        Arguments.of("wrong kind", bytes(review.replace("\"kind\":\"AdmissionReview\"", "\"kind\":\"Pod\"")), 400,
            "expected AdmissionReview"),
        Arguments.of("v1beta1 review", bytes(review.replace("admission.k8s.io/v1", "admission.k8s.io/v1beta1")), 400,
            "expected admission.k8s.io/v1"),
        Arguments.of("no request", bytes("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\"}"), 400,
            "no request"),
        Arguments.of("no uid", bytes(review.replace("\"uid\":\"u-1\",", "")), 400, "request.uid"),
        Arguments.of("deep nesting", bytes("[".repeat(100_000)), 400, "not valid JSON"),
        Arguments.of("secret in a bad document", bytes("{\"apiVersion\":\"" + SECRET + "\",\"kind\":\"AdmissionReview\"}"),
            400, "expected admission.k8s.io/v1"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badBodies")
  void rejectsWithAReason(String name, byte[] body, int status, String reason) throws Exception {
    HttpResponse<String> response = server.post(client, "/validate", "application/json", body);
    assertEquals(status, response.statusCode(), response.body());
    assertTrue(response.body().contains(reason), response.body());
    assertEquals(1, response.body().strip().lines().count(), "one line: " + response.body());
    assertFalse(response.body().contains(SECRET), "the reason must not echo the body");
  }

  @Test
  void rejectsAWrongContentType() throws Exception {
    HttpResponse<String> response = server.post(client, "/validate", "application/yaml", bytes("{}"));
    assertEquals(415, response.statusCode());
    assertTrue(response.body().contains("application/json"), response.body());
  }

  @Test
  void rejectsAMissingContentType() throws Exception {
    assertEquals(415, server.post(client, "/validate", null, bytes("{}")).statusCode());
  }

  @Test
  void rejectsABodyOverThreeMebibytes() throws Exception {
    byte[] body = new byte[3 * 1024 * 1024 + 1];
    java.util.Arrays.fill(body, (byte) ' ');
    HttpResponse<String> response = server.post(client, "/validate", "application/json", body);
    assertEquals(413, response.statusCode());
    assertTrue(response.body().contains("3 MiB"), response.body());
  }

  @Test
  void rejectsAChunkedBodyOverThreeMebibytes() throws Exception {
    byte[] chunk = new byte[64 * 1024];
    java.util.Arrays.fill(chunk, (byte) ' ');
    HttpRequest request = HttpRequest.newBuilder(server.uri("/validate"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.SequenceInputStream(
            java.util.Collections.enumeration(java.util.Collections.nCopies(60, chunk).stream()
                .map(java.io.ByteArrayInputStream::new).toList()))))
        .build();
    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
    assertEquals(413, response.statusCode());
  }

  @Test
  void rejectsTheWrongMethod() throws Exception {
    HttpResponse<String> response = client.send(HttpRequest.newBuilder(server.uri("/validate")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(405, response.statusCode());
    assertEquals("POST", response.headers().firstValue("Allow").orElse(""));
  }

  @Test
  void rejectsUnknownPaths() throws Exception {
    for (String path : new String[] {"/", "/metrics", "/validate/extra", "/admin"}) {
      HttpResponse<String> response = server.post(client, path, "application/json", bytes("{}"));
      assertEquals(404, response.statusCode(), path);
    }
  }
}
