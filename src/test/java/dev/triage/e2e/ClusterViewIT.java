package dev.triage.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** Triage's live view of Namespaces and PodDisruptionBudgets, read from a real API server. */
class ClusterViewIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void notReadyUntilTheClusterViewHasSynced() throws Exception {
    KubeApiServer apiServer = KubeApiServer.get();
    Kubectl kubectl = new Kubectl(apiServer);
    WebhookRegistration.grantClusterView(kubectl);
    Pki pki = Pki.in(apiServer.dir.resolve("view-pki"));
    try (TriageProcess triage = TriageProcess.launch(apiServer, pki, apiServer.unboundKubeconfig)) {
      HttpClient client = Https.trusting(pki.caCert());
      Https.awaitOk(client, Https.get("https://127.0.0.1:" + triage.port() + "/healthz"), Duration.ofSeconds(60),
          () -> { }, "triage never listened");
      for (int i = 0; i < 10; i++) {
        assertEquals(503, status(client, triage.port(), "/readyz"),
            "not ready while the API server refuses Triage's reads");
        Thread.sleep(300);
      }
      Kubectl.Result granted = kubectl.run("create", "clusterrolebinding", "e2e-unbound-view",
          "--clusterrole=triage-cluster-view", "--user=unbound");
      assertTrue(granted.ok(), granted::printed);
      triage.awaitReady(pki);
    }
  }

  @Test
  void cachedViewKeepsServingWhenTheApiServerGoesAway() throws Exception {
    Pki pki;
    TriageProcess triage;
    try (KubeApiServer apiServer = KubeApiServer.start()) {
      Kubectl kubectl = new Kubectl(apiServer);
      WebhookRegistration.grantClusterView(kubectl);
      assertTrue(kubectl.run("create", "namespace", "clinical").ok());
      String budget = AdmissionScenarios.documents("ehr-api.yaml")[0];
      Kubectl.Result applied = kubectl.apply("clinical", budget);
      assertTrue(applied.ok(), applied::printed);
      pki = Pki.in(apiServer.dir.resolve("stale-pki"));
      triage = TriageProcess.start(apiServer, pki);
    }
    try (triage) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!Files.readString(triage.log).contains("cluster view is stale")) {
        assertTrue(System.nanoTime() < deadline, "no log line says the cluster view is stale");
        Thread.sleep(200);
      }
      HttpClient client = Https.trusting(pki.caCert());
      assertEquals(200, status(client, triage.port(), "/readyz"), "the cached view keeps Triage ready");

      // Sent straight to /validate, without the defaults /mutate would add: only the PDB rule's
      // verdict matters here.
      String deployment = AdmissionScenarios.documents("ehr-api.yaml")[1];
      JsonNode covered = validate(client, triage.port(), deployment);
      assertEquals(403, covered.at("/response/status/code").asInt(), covered::toString);
      assertFalse(covered.at("/response/status/message").asText().contains("PodDisruptionBudget"),
          "the cached PDB still counts: " + covered);

      JsonNode denied = validate(client, triage.port(), AdmissionScenarios.manifest("ehr-api-unsafe.yaml")
          .replace("app: ehr-api", "app: billing"));
      assertEquals(false, denied.at("/response/allowed").asBoolean(true), denied::toString);
      assertTrue(denied.at("/response/status/message").asText().contains("has no PodDisruptionBudget selecting"
          + " app=billing"), "the failed live read falls back to the cache: " + denied);
    }
  }

  private static JsonNode validate(HttpClient client, int port, String deploymentYaml) throws Exception {
    Map<String, Object> object = new Yaml().load(deploymentYaml);
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("uid", "e2e-stale-view");
    request.put("kind", Map.of("group", "apps", "version", "v1", "kind", "Deployment"));
    request.put("resource", Map.of("group", "apps", "version", "v1", "resource", "deployments"));
    request.put("namespace", "clinical");
    request.put("name", "ehr-api");
    request.put("operation", "CREATE");
    request.put("userInfo", Map.of("username", "admin"));
    request.put("object", object);
    String review = JSON.writeValueAsString(Map.of("apiVersion", "admission.k8s.io/v1", "kind", "AdmissionReview",
        "request", request));
    HttpResponse<String> response = client.send(HttpRequest.newBuilder(
            URI.create("https://127.0.0.1:" + port + "/validate?timeout=5s"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(review)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response::body);
    return JSON.readTree(response.body());
  }

  private static int status(HttpClient client, int port, String path) throws Exception {
    return client.send(Https.get("https://127.0.0.1:" + port + path), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

}
