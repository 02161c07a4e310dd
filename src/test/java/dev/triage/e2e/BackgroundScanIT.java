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
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The background scan against a real API server: a Deployment created while Triage was down (no
 * webhook saw it) has a report once Triage starts, from the scan alone, with Triage's own service
 * account reading the workloads as {@code webhook/rbac.yaml} allows; workloads that come or change
 * while it runs are scanned too.
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

      // While Triage runs: a Pod a controller owns is left to its owner, a bare Pod is reported,
      // and a change to the Deployment is scanned again.
      Kubectl.Result pods = kubectl.apply(NAMESPACE, """
          apiVersion: v1
          kind: Pod
          metadata:
            name: ehr-api-7d9f-x2
            ownerReferences:
            - {apiVersion: apps/v1, kind: ReplicaSet, name: ehr-api-7d9f, uid: 3f1c0a52-0000-4000-8000-000000000001,
               controller: true}
          spec:
            containers: [{name: api, image: registry.local/ehr-api:2.3.1}]
          ---
          apiVersion: v1
          kind: Pod
          metadata: {name: debug}
          spec:
            containers: [{name: shell, image: registry.local/debug:1.0}]
          """);
      assertTrue(pods.ok(), pods::printed);
      Kubectl.Result scaled = kubectl.run("scale", "-n", NAMESPACE, "deployment/ehr-api", "--replicas=1");
      assertTrue(scaled.ok(), scaled::printed);
      assertEquals("Pod", awaitReport(kubectl, "pod-debug", triage).at("/scope/kind").asText());
      awaitReport(kubectl, "deployment-ehr-api", triage, found -> {
        for (JsonNode result : found.get("results")) {
          if (result.get("policy").asText().equals("require-pdb")) {
            return result.get("result").asText().equals("pass");
          }
        }
        return false;
      });
      assertFalse(kubectl.run("get", "reports", "-n", NAMESPACE, "-o", "name").out().contains("pod-ehr-api"),
          "the owned Pod is its ReplicaSet's");
    } finally {
      triage.close();
    }
  }

  private static JsonNode awaitReport(Kubectl kubectl, String name, TriageProcess triage) throws Exception {
    return awaitReport(kubectl, name, triage, report -> true);
  }

  /** Polls until the report {@code name} exists and {@code wanted} holds for it, for up to 60 s. */
  private static JsonNode awaitReport(Kubectl kubectl, String name, TriageProcess triage,
      Predicate<JsonNode> wanted) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      Kubectl.Result listed = kubectl.run("get", "reports", "-n", NAMESPACE, "-o", "json");
      last = listed.printed();
      if (listed.ok()) {
        for (JsonNode item : JSON.readTree(listed.out()).get("items")) {
          if (item.at("/metadata/name").asText().equals(name) && wanted.test(item)) {
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
