package dev.triage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reviews over HTTPS, then what a Prometheus scrape of the metrics port shows about them. */
class MetricsTest {
  private static final String PRIVILEGED = "[{\"name\":\"debug\",\"image\":\"busybox\","
      + "\"securityContext\":{\"privileged\":true}}]";
  private static final String PLAIN = "[{\"name\":\"app\",\"image\":\"busybox\"}]";

  RunningServer server;
  MetricsServer metricsServer;
  int metricsPort;
  final HttpClient plain = HttpClient.newHttpClient();

  @BeforeEach
  void start(@TempDir Path certs) throws Exception {
    server = new RunningServer(Path.of("src/test/resources/metrics-rules"), certs);
    metricsServer = new MetricsServer(server.vertx, server.metrics, "127.0.0.1", 0);
    metricsPort = metricsServer.start().await();
  }

  @AfterEach
  void stop() {
    metricsServer.close();
    server.close();
  }

  private void review(String path, String containers) throws Exception {
    HttpResponse<String> response = server.post(server.client(HttpClient.Version.HTTP_1_1), path,
        "application/json", Reviews.bytes(Reviews.pod(Reviews.uid(), containers, "{}")));
    assertEquals(200, response.statusCode(), response.body());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String scrape() throws Exception {
    HttpResponse<String> response = get("/metrics");
    assertEquals(200, response.statusCode());
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
    return response.body();
  }

  /** The value of the sample named {@code name} whose labels include {@code labels}; NaN if none. */
  static double sample(String scrape, String name, Map<String, String> labels) {
    for (String line : scrape.split("\n")) {
      if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
        continue;
      }
      boolean all = labels.entrySet().stream()
          .allMatch(l -> line.contains(l.getKey() + "=\"" + l.getValue() + "\""));
      if (all) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return Double.NaN;
  }

  @Test
  void requestsAreCountedByEndpointKindOperationAndDecision() throws Exception {
    review("/validate", PRIVILEGED);
    review("/validate", PRIVILEGED);
    review("/validate", PLAIN);
    review("/mutate", PLAIN);
    String scrape = scrape();
    assertEquals(2.0, sample(scrape, "triage_admission_requests_total",
        Map.of("endpoint", "validate", "kind", "Pod", "operation", "CREATE", "decision", "denied")), scrape);
    assertEquals(1.0, sample(scrape, "triage_admission_requests_total",
        Map.of("endpoint", "validate", "decision", "allowed")), scrape);
    assertEquals(1.0, sample(scrape, "triage_admission_requests_total",
        Map.of("endpoint", "mutate", "decision", "allowed")), scrape);
    assertEquals(3.0, sample(scrape, "triage_admission_duration_seconds_count", Map.of("endpoint", "validate")));
    assertEquals(3.0, sample(scrape, "triage_admission_duration_seconds_bucket",
        Map.of("endpoint", "validate", "le", "+Inf")), scrape);
    assertTrue(sample(scrape, "triage_admission_duration_seconds_bucket",
        Map.of("endpoint", "validate", "le", "0.001")) >= 0, "a bucket at 1 ms exists: " + scrape);
  }

  @Test
  void ruleDecisionsAndEvaluationErrorsAreCountedPerPolicy() throws Exception {
    review("/validate", PRIVILEGED);
    review("/validate", PLAIN);
    String scrape = scrape();
    assertEquals(1.0, sample(scrape, "triage_rule_decisions_total",
        Map.of("policy", "deny-privileged", "mode", "enforce", "outcome", "deny")), scrape);
    assertEquals(1.0, sample(scrape, "triage_rule_decisions_total",
        Map.of("policy", "deny-privileged", "mode", "enforce", "outcome", "pass")), scrape);
    assertEquals(2.0, sample(scrape, "triage_rule_decisions_total",
        Map.of("policy", "needs-replicas", "outcome", "error")), scrape);
    assertEquals(2.0, sample(scrape, "triage_evaluation_errors_total", Map.of("policy", "needs-replicas")), scrape);
  }

  @Test
  void reloadsStalenessAndCertificateExpiryAreGauged() throws Exception {
    server.metrics.rulesLoaded(server.rules);
    server.metrics.reloaded(true);
    server.metrics.reloaded(false);
    AtomicBoolean stale = new AtomicBoolean();
    server.metrics.clusterViewStale(stale::get);
    server.metrics.certificateExpiry(() -> 86_400);
    String before = scrape();
    assertEquals(2.0, sample(before, "triage_rules_policies", Map.of()), before);
    assertEquals(1.0, sample(before, "triage_rule_reloads_total", Map.of("result", "failure")), before);
    assertEquals(1.0, sample(before, "triage_rule_reloads_total", Map.of("result", "success")), before);
    assertEquals(0.0, sample(before, "triage_cluster_view_stale", Map.of()), before);
    assertEquals(86_400.0, sample(before, "triage_certificate_expiry_seconds", Map.of()), before);
    stale.set(true);
    assertEquals(1.0, sample(scrape(), "triage_cluster_view_stale", Map.of()));
  }

  @Test
  void gaugesKeepReadingTheirSuppliersAfterAGarbageCollection() throws Exception {
    // Capturing lambdas, as serve passes: new objects that only the registry refers to.
    boolean stale = true;
    double seconds = 42;
    server.metrics.clusterViewStale(() -> stale);
    server.metrics.certificateExpiry(() -> seconds);
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    String scrape = scrape();
    assertEquals(1.0, sample(scrape, "triage_cluster_view_stale", Map.of()), scrape);
    assertEquals(42.0, sample(scrape, "triage_certificate_expiry_seconds", Map.of()), scrape);
  }

  @Test
  void onlyMetricsIsServedOnTheMetricsPort() throws Exception {
    assertEquals(404, get("/validate").statusCode());
    assertEquals(404, get("/").statusCode());
  }

  @Test
  void aBadReviewIsCountedAsRejected() throws Exception {
    HttpResponse<String> response = server.post(server.client(HttpClient.Version.HTTP_1_1), "/validate",
        "application/json", Reviews.bytes("{\"apiVersion\":\"admission.k8s.io/v1\"}"));
    assertEquals(400, response.statusCode());
    assertEquals(1.0, sample(scrape(), "triage_admission_requests_total",
        Map.of("endpoint", "validate", "decision", "rejected")));
  }
}
