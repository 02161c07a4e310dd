package dev.triage.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code serve} writes each workload's policy report from admission, against a real API server:
 * what a team sees with {@code kubectl get reports -n <team>}, and that the report goes with its
 * workload. Triage runs as a host process with its own service account, so the RBAC of
 * {@code webhook/rbac.yaml} is what it has, and without the background scan, which writes the
 * same reports with source {@code background}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PolicyReportsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  private KubeApiServer apiServer;
  private Kubectl kubectl;
  private TriageProcess triage;

  @BeforeAll
  void start() throws Exception {
    apiServer = KubeApiServer.get();
    kubectl = new Kubectl(apiServer);
    ReportCrdsIT.install(kubectl);
    Pki pki = Pki.in(apiServer.dir.resolve("reports-pki"));
    WebhookRegistration.grantClusterView(kubectl);
    // The background scan off: every report here comes from admission.
    triage = TriageProcess.launch(apiServer, pki, apiServer.triageKubeconfig, "--report-interval=200ms",
        "--scan-interval=0");
    triage.awaitReady(pki);
    WebhookRegistration.register(apiServer, kubectl, triage, pki);
  }

  @AfterAll
  void stop() throws Exception {
    if (triage != null) {
      triage.close();
    }
    kubectl.run("delete", "mutatingwebhookconfiguration/triage", "validatingwebhookconfiguration/triage",
        "--ignore-not-found");
  }

  @Test
  void aDryRunNamespaceSeesItsBacklogAndTheReportGoesWithItsWorkload() throws Exception {
    String namespace = namespace("reports-onboarding", "triage.dev/mode=dry-run");
    String unsafe = AdmissionScenarios.manifest("ehr-api-unsafe.yaml");
    Kubectl.Result preview = kubectl.apply(namespace, unsafe.replace("name: ehr-api\n", "name: ehr-preview\n"),
        "--dry-run=server");
    assertTrue(preview.ok(), preview::printed);
    Kubectl.Result applied = kubectl.apply(namespace, unsafe);
    assertTrue(applied.ok(), applied::printed);
    String uid = json(kubectl.run("get", "deployment/ehr-api", "-n", namespace, "-o", "json")).at("/metadata/uid")
        .asText();

    JsonNode reports = await(namespace, items -> items.size() > 0, "a report in " + namespace);
    assertEquals(1, reports.size(), "one report, for the Deployment created; none for the dry run: " + reports);
    JsonNode report = reports.get(0);
    assertEquals("deployment-ehr-api", report.at("/metadata/name").asText());
    assertEquals("Deployment", report.at("/scope/kind").asText());
    assertEquals("ehr-api", report.at("/scope/name").asText());
    assertEquals(uid, report.at("/metadata/ownerReferences/0/uid").asText(),
        "the API server set the uid before validating admission: the report is owned by its Deployment");
    assertEquals("Deployment", report.at("/metadata/ownerReferences/0/kind").asText());

    JsonNode pdb = result(report, "require-pdb");
    assertEquals("fail", pdb.path("result").asText(), pdb::toString);
    assertTrue(pdb.path("message").asText()
        .contains("Deployment ehr-api (3 replicas) has no PodDisruptionBudget selecting app=ehr-api"), pdb::toString);
    assertEquals("dry-run", pdb.at("/properties/mode").asText(), pdb::toString);
    assertEquals("admission", pdb.at("/properties/source").asText(), pdb::toString);
    JsonNode vault = result(report, "vault-secrets-only");
    assertEquals("fail", vault.path("result").asText(), vault::toString);
    assertTrue(vault.path("message").asText().contains("container api env DB_PASSWORD holds a literal secret"),
        vault::toString);
    assertTrue(report.at("/summary/fail").asInt() >= 2, report::toString);
    assertFalse(report.toString().contains("correct-horse-battery-staple"), "the password is never in a report");

    Kubectl.Result listed = kubectl.run("get", "reports", "-n", namespace);
    assertTrue(listed.out().contains("deployment-ehr-api"), listed::printed);
    assertTrue(kubectl.run("get", "lease/triage-reports", "-n", "triage-system").ok(), "the writer holds the Lease");

    Kubectl.Result deleted = kubectl.run("delete", "deployment/ehr-api", "-n", namespace);
    assertTrue(deleted.ok(), deleted::printed);
    await(namespace, items -> items.size() == 0, "the report gone with its Deployment");
  }

  @Test
  void aDenialWritesNothingAndACompliantWorkloadIsReportedPassing() throws Exception {
    String namespace = namespace("reports-enforced");
    Kubectl.Result denied = kubectl.apply(namespace, AdmissionScenarios.manifest("ehr-api-unsafe.yaml"));
    assertFalse(denied.ok(), denied::printed);
    Kubectl.Result applied = kubectl.apply(namespace, AdmissionScenarios.manifest("ehr-api.yaml"));
    assertTrue(applied.ok(), applied::printed);

    JsonNode reports = await(namespace, items -> names(items).contains("deployment-ehr-api"),
        "a report for the Deployment");
    for (JsonNode report : reports) {
      for (JsonNode result : report.path("results")) {
        assertFalse(result.path("result").asText().equals("fail"), "nothing fails once created: " + report);
        assertEquals("enforce", result.at("/properties/mode").asText(), result::toString);
      }
    }
  }

  private static List<String> names(JsonNode reports) {
    List<String> names = new ArrayList<>();
    reports.forEach(report -> names.add(report.at("/metadata/name").asText()));
    return names;
  }

  private static JsonNode result(JsonNode report, String policy) {
    for (JsonNode result : report.path("results")) {
      if (result.path("policy").asText().equals(policy)) {
        return result;
      }
    }
    throw new AssertionError("no result for " + policy + " in " + report);
  }

  /** Polls the namespace's reports until {@code condition} holds on their items. */
  private JsonNode await(String namespace, Predicate<JsonNode> condition, String what) throws Exception {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (true) {
      Kubectl.Result listed = kubectl.run("get", "reports", "-n", namespace, "-o", "json");
      assertTrue(listed.ok(), listed::printed);
      JsonNode items = json(listed).path("items");
      if (condition.test(items)) {
        return items;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("within " + PATIENCE.toSeconds() + " s: " + what + "; reports: " + items
            + "\nsee " + triage.log);
      }
      Thread.sleep(200);
    }
  }

  private String namespace(String namespace, String... labels) {
    Kubectl.Result created = kubectl.run("create", "namespace", namespace);
    assertTrue(created.ok(), created::printed);
    for (String label : labels) {
      Kubectl.Result labelled = kubectl.run("label", "namespace/" + namespace, label);
      assertTrue(labelled.ok(), labelled::printed);
    }
    return namespace;
  }

  private static JsonNode json(Kubectl.Result result) throws Exception {
    assertTrue(result.ok(), result::printed);
    return JSON.readTree(result.out());
  }
}
