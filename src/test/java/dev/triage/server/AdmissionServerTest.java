package dev.triage.server;

import static dev.triage.server.Reviews.bytes;
import static dev.triage.server.Reviews.pod;
import static dev.triage.server.Reviews.uid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The real HTTPS server, spoken to over real TLS by the JDK client, as the apiserver would. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdmissionServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String OK_CONTAINER = "[{\"name\":\"app\",\"image\":\"registry.local/ehr:1.4.2\"}]";
  private static final String TEAM = "{\"team\":\"records\"}";

  RunningServer server;
  HttpClient http1;

  @BeforeAll
  void start(@TempDir Path certs) throws Exception {
    server = new RunningServer(Path.of("src/test/resources/server-rules"), certs);
    http1 = server.client(HttpClient.Version.HTTP_1_1);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private JsonNode review(HttpClient client, String path, String body) throws Exception {
    HttpResponse<String> response = server.post(client, path, "application/json", bytes(body));
    assertEquals(200, response.statusCode(), response.body());
    assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
    JsonNode review = JSON.readTree(response.body());
    assertEquals("admission.k8s.io/v1", review.path("apiVersion").asText());
    assertEquals("AdmissionReview", review.path("kind").asText());
    return review.path("response");
  }

  @ParameterizedTest
  @EnumSource(HttpClient.Version.class)
  void allowsACompliantPodAndEchoesTheUid(HttpClient.Version version) throws Exception {
    HttpClient client = server.client(version);
    String uid = uid();
    JsonNode response = review(client, "/validate", pod(uid, OK_CONTAINER, TEAM));
    assertEquals(uid, response.path("uid").asText());
    assertTrue(response.path("allowed").asBoolean());
    assertTrue(response.path("warnings").isMissingNode());
  }

  @Test
  void negotiatesHttp2ThroughAlpn() throws Exception {
    HttpResponse<String> response = server.post(server.client(HttpClient.Version.HTTP_2), "/validate",
        "application/json", bytes(pod(uid(), OK_CONTAINER, TEAM)));
    assertEquals(HttpClient.Version.HTTP_2, response.version());
  }

  @ParameterizedTest
  @EnumSource(HttpClient.Version.class)
  void deniesAPrivilegedContainerWithTheRulesMessageAndCode(HttpClient.Version version) throws Exception {
    String containers = "[{\"name\":\"app\",\"image\":\"registry.local/ehr:1\"},"
        + "{\"name\":\"debug\",\"image\":\"busybox:1.36\",\"securityContext\":{\"privileged\":true}}]";
    JsonNode response = review(server.client(version), "/validate", pod(uid(), containers, TEAM));
    assertFalse(response.path("allowed").asBoolean());
    assertEquals(403, response.path("status").path("code").asInt());
    assertEquals("Forbidden", response.path("status").path("reason").asText());
    assertEquals("deny-privileged: container debug sets securityContext.privileged: true; remove it",
        response.path("status").path("message").asText());
  }

  @Test
  void turnsAWarnBindingIntoAWarningAndAdmits() throws Exception {
    String containers = "[{\"name\":\"app\",\"image\":\"registry.local/ehr:latest\"}]";
    JsonNode response = review(http1, "/validate", pod(uid(), containers, TEAM));
    assertTrue(response.path("allowed").asBoolean());
    assertEquals("warn-latest-tag: pin image tags: :latest is not reproducible",
        response.path("warnings").get(0).asText());
  }

  @Test
  void recordsAuditFailuresAndAuditAnnotations() throws Exception {
    JsonNode response = review(http1, "/validate", pod(uid(), OK_CONTAINER, "{}"));
    assertTrue(response.path("allowed").asBoolean());
    JsonNode annotations = response.path("auditAnnotations");
    assertEquals("1", annotations.path("audit-team-label.image-count").asText());
    JsonNode failures = JSON.readTree(annotations.path("validation.policy.admission.k8s.io.validation_failure").asText());
    assertEquals("audit-team-label", failures.get(0).path("policy").asText());
    assertEquals("pods should carry a team label", failures.get(0).path("message").asText());
    assertEquals("Audit", failures.get(0).path("validationActions").get(0).asText());
  }

  @Test
  void servesTheGoodRulesWhileReportingTheBrokenOneWithItsPosition() throws Exception {
    assertEquals(4, server.rules.policyCount());
    String error = server.rules.errors().get(0).toString();
    assertTrue(error.startsWith("src/test/resources/server-rules/broken.yaml:7:"), error);
    assertTrue(error.contains("ValidatingAdmissionPolicy broken: spec.validations[0].expression"), error);
    HttpResponse<String> ready = http1.send(HttpRequest.newBuilder(server.uri("/readyz")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, ready.statusCode());
  }

  @Test
  void mutateAnswersWithAnAdmissionReviewForTheSameUid() throws Exception {
    String uid = uid();
    JsonNode response = review(http1, "/mutate", pod(uid, OK_CONTAINER, TEAM));
    assertEquals(uid, response.path("uid").asText());
    assertTrue(response.path("allowed").asBoolean());
  }

  @Test
  void answersWithinTheApiserversTimeoutWhenARuleRunsLong() throws Exception {
    StringBuilder data = new StringBuilder();
    for (int i = 0; i < 400; i++) {
      data.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
    }
    String configMap = """
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"slow-1",
          "kind":{"group":"","version":"v1","kind":"ConfigMap"},
          "resource":{"group":"","version":"v1","resource":"configmaps"},
          "name":"big","namespace":"clinical","operation":"CREATE",
          "object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"big","labels":{"slow":"true"}},
            "data":{%s}}}}
        """.formatted(data);
    long started = System.nanoTime();
    JsonNode response = review(http1, "/validate?timeout=1s", configMap);
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertTrue(took.compareTo(Duration.ofMillis(1000)) < 0, "answered after " + took);
    assertFalse(response.path("allowed").asBoolean(), "an unfinished validation fails closed");
    // Either the engine stopped the rule at its deadline, or the server's backstop answered.
    String message = response.path("status").path("message").asText();
    assertTrue(message.startsWith("slow: ") || message.startsWith("Triage could not decide within 1000 ms"), message);
    // and the server is free for the next review
    assertTrue(review(http1, "/validate", pod(uid(), OK_CONTAINER, TEAM)).path("allowed").asBoolean());
  }

  @Test
  void probesAnswerOnTheSamePort() throws Exception {
    for (String path : new String[] {"/healthz", "/readyz"}) {
      HttpResponse<String> response = http1.send(HttpRequest.newBuilder(server.uri(path)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode(), path);
      assertEquals("ok\n", response.body());
    }
  }

  @Test
  void logsOneDecisionLineWithoutObjectContent() throws Exception {
    String uid = uid();
    String containers = "[{\"name\":\"app\",\"image\":\"registry.local/ehr:2\","
        + "\"env\":[{\"name\":\"DB_PASSWORD\",\"value\":\"s3cr3t-patient-db\"}]}]";
    review(http1, "/validate", pod(uid, containers, TEAM));
    String line = Arrays.stream(server.logs().split("\n")).filter(l -> l.contains(uid)).findFirst().orElseThrow();
    JsonNode decision = JSON.readTree(line);
    assertEquals("decision", decision.path("event").asText());
    assertEquals("Pod", decision.path("kind").asText());
    assertEquals("clinical", decision.path("namespace").asText());
    assertEquals("alice", decision.path("user").asText());
    assertFalse(server.logs().contains("s3cr3t-patient-db"));
  }
}
