package dev.triage.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The background scan against a real API server: a Deployment created while Triage was down (no
 * webhook saw it) has a report once Triage starts, from the scan alone, with Triage's own service
 * account reading the workloads as {@code webhook/rbac.yaml} allows.
 */
class BackgroundScanIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NAMESPACE = "bgscan-onboarding";
  /** What serve's report writer needs; the scan itself only lists and watches workloads. */
  private static final String REPORT_RIGHTS = """
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRole
      metadata: {name: triage-reports-e2e}
      rules:
      - apiGroups: [openreports.io]
        resources: [reports, clusterreports]
        verbs: [get, create, patch]
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRoleBinding
      metadata: {name: triage-reports-e2e}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: triage-reports-e2e}
      subjects:
      - {kind: ServiceAccount, name: triage, namespace: triage-system}
      """;

  @Test
  void aDeploymentCreatedWhileTriageWasDownIsReportedAfterItStarts() throws Exception {
    KubeApiServer apiServer = KubeApiServer.get();
    Kubectl kubectl = new Kubectl(apiServer);
    ReportCrdsIT.install(kubectl);
    WebhookRegistration.grantClusterView(kubectl);
    Kubectl.Result rights = kubectl.withInput(REPORT_RIGHTS, "apply", "-f", "-");
    assertTrue(rights.ok(), rights::printed);
    assertTrue(kubectl.run("create", "namespace", NAMESPACE).ok());
    assertTrue(kubectl.run("label", "namespace", NAMESPACE, "triage.dev/mode=dry-run",
        "kubernetes.io/metadata.name=" + NAMESPACE).ok());
    // Triage is not running: nothing reviews this.
    Kubectl.Result created = kubectl.apply(NAMESPACE, AdmissionScenarios.manifest("ehr-api-unsafe.yaml"));
    assertTrue(created.ok(), created::printed);
    String uid = kubectl.run("get", "-n", NAMESPACE, "deployment/ehr-api", "-o", "jsonpath={.metadata.uid}").out();
    assertTrue(kubectl.run("get", "reports", "-n", NAMESPACE, "-o", "name").out().isBlank(), "no report yet");

    Pki pki = Pki.in(apiServer.dir.resolve("bgscan-pki"));
    TriageProcess triage = TriageProcess.launch(apiServer, pki, apiServer.triageKubeconfig, "--scan-interval=1h");
    try {
      triage.awaitReady(pki);
      JsonNode report = awaitReport(kubectl, "deployment-ehr-api", triage);

      assertEquals("Deployment", report.at("/scope/kind").asText());
      assertEquals("ehr-api", report.at("/scope/name").asText());
      assertEquals(uid, report.at("/metadata/ownerReferences/0/uid").asText(), "goes when the Deployment goes");
      Map<String, JsonNode> results = new HashMap<>();
      report.get("results").forEach(result -> results.put(result.get("policy").asText(), result));
      JsonNode pdb = results.get("require-pdb");
      assertEquals("fail", pdb.get("result").asText(), report::toPrettyString);
      assertEquals("background", pdb.at("/properties/source").asText());
      assertEquals("dry-run", pdb.at("/properties/mode").asText());
      assertTrue(pdb.get("message").asText().startsWith("Deployment ehr-api (3 replicas) has no PodDisruptionBudget"),
          pdb::toPrettyString);
      assertEquals("fail", results.get("vault-secrets-only").get("result").asText(), report::toPrettyString);
      assertTrue(report.at("/summary/fail").asInt() >= 2, report::toPrettyString);
      assertFalse(report.toString().contains("correct-horse-battery-staple"), "no env value in a report");
      assertFalse(Files.readString(triage.log).contains("correct-horse-battery-staple"), "no env value in the log");
    } finally {
      triage.close();
    }
  }

  private static JsonNode awaitReport(Kubectl kubectl, String name, TriageProcess triage) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      Kubectl.Result listed = kubectl.run("get", "reports", "-n", NAMESPACE, "-o", "json");
      last = listed.printed();
      if (listed.ok()) {
        for (JsonNode item : JSON.readTree(listed.out()).get("items")) {
          if (item.at("/metadata/name").asText().equals(name)) {
            return item;
          }
        }
      }
      Thread.sleep(250);
    }
    throw new AssertionError("no report " + name + " within 60 s; last listing:\n" + last + "\ntriage log:\n"
        + Files.readString(triage.log));
  }
}
