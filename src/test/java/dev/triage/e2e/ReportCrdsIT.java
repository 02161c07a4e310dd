package dev.triage.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;


import com.fasterxml.jackson.databind.ObjectMapper;
import dev.triage.reports.ReportBuilder;
import dev.triage.reports.ReportFlavor;
import dev.triage.reports.ReportSubject;
import dev.triage.reports.RuleResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The shipped openreports.io CRDs, installed on their own into a real API server: accepted as
 * structural schemas, {@code kubectl get reports} shows a team its counts, and the report
 * {@link ReportBuilder} makes for a workload is accepted as it stands.
 */
class ReportCrdsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String REPORT = """
      apiVersion: openreports.io/v1alpha1
      kind: Report
      metadata: {name: deployment-notes-api}
      scope: {apiVersion: apps/v1, kind: Deployment, name: notes-api, namespace: clinical}
      summary: {pass: 5, fail: 2, warn: 0, error: 0, skip: 1}
      results:
      - policy: require-pdb
        result: fail
        source: background
        message: Deployment notes-api (3 replicas) has no PodDisruptionBudget
        timestamp: {seconds: 1796000000, nanos: 0}
        properties: {mode: dry-run}
      """;

  /** Applies the shipped CRDs and waits until the API server serves them. */
  static void install(Kubectl kubectl) throws Exception {
    Kubectl.Result applied = kubectl.withInput(Files.readString(Path.of("webhook/crds/openreports.yaml")), "apply",
        "-f", "-");
    assertTrue(applied.ok(), applied::printed);
    Kubectl.Result established = kubectl.run("wait", "--for=condition=Established", "--timeout=60s",
        "crd/reports.openreports.io", "crd/clusterreports.openreports.io");
    assertTrue(established.ok(), established::printed);
  }

  @Test
  void theCrdsInstallAloneAndReportsListWithTheirCounts() throws Exception {
    KubeApiServer apiServer = KubeApiServer.get();
    Kubectl kubectl = new Kubectl(apiServer);
    install(kubectl);
    kubectl.run("create", "namespace", "clinical");

    Kubectl.Result created = kubectl.apply("clinical", REPORT);
    assertTrue(created.ok(), created::printed);
    Kubectl.Result listed = kubectl.run("get", "reports", "-n", "clinical", "-o", "wide");
    assertTrue(listed.ok(), listed::printed);
    String[] lines = listed.out().strip().split("\n");
    assertTrue(lines[0].matches("NAME\\s+KIND\\s+NAME\\s+PASS\\s+FAIL\\s+WARN\\s+ERROR\\s+SKIP\\s+AGE"), lines[0]);
    assertTrue(lines[1].matches("deployment-notes-api\\s+Deployment\\s+notes-api\\s+5\\s+2\\s+0\\s+0\\s+1\\s+\\S+"),
        lines[1]);

    Kubectl.Result invalid = kubectl.apply("clinical", REPORT.replace("result: fail", "result: denied"));
    assertFalse(invalid.ok(), "a result outside pass/fail/warn/error/skip is refused");
    assertTrue(invalid.err().contains("Unsupported value: \"denied\""), invalid::printed);

    Kubectl.Result cluster = kubectl.withInput("""
        apiVersion: openreports.io/v1alpha1
        kind: ClusterReport
        metadata: {name: namespace-clinical}
        scope: {apiVersion: v1, kind: Namespace, name: clinical}
        summary: {pass: 1}
        """, "apply", "-f", "-");
    assertTrue(cluster.ok(), cluster::printed);
    assertEquals("namespace-clinical", kubectl.run("get", "clusterreports", "-o", "name").out().strip()
        .replace("clusterreport.openreports.io/", ""));
  }

  @Test
  void aReportBuiltForAWorkloadIsAcceptedAndOwnedByIt() throws Exception {
    KubeApiServer apiServer = KubeApiServer.get();
    Kubectl kubectl = new Kubectl(apiServer);
    install(kubectl);
    kubectl.run("create", "namespace", "oncology");
    Kubectl.Result deployment = kubectl.apply("oncology", """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: notes-api}
        spec:
          replicas: 3
          selector: {matchLabels: {app: notes-api}}
          template:
            metadata: {labels: {app: notes-api}}
            spec: {containers: [{name: api, image: registry.local/notes:1.4}]}
        """);
    assertTrue(deployment.ok(), deployment::printed);
    Kubectl.Result read = kubectl.run("get", "deployment", "notes-api", "-n", "oncology", "-o", "json");
    Map<?, ?> object = JSON.readValue(read.out(),
        Map.class);
    Map<String, Object> report = new ReportBuilder(ReportFlavor.OPENREPORTS).build(ReportSubject.of(object),
        List.of(new RuleResult("require-pdb", "", RuleResult.Outcome.FAIL,
            "Deployment notes-api (3 replicas) has no PodDisruptionBudget", "dry-run", RuleResult.Source.BACKGROUND,
            Instant.now(), "")));
    Kubectl.Result created = kubectl.apply("oncology",
        JSON.writeValueAsString(report));
    assertTrue(created.ok(), created::printed);

    Kubectl.Result listed = kubectl.run("get", "reports", "-n", "oncology", "-o", "json");
    Map<?, ?> list = JSON.readValue(listed.out(),
        Map.class);
    Map<?, ?> stored = (Map<?, ?>) ((List<?>) list.get("items")).get(0);
    Map<?, ?> owner = (Map<?, ?>) ((List<?>) ((Map<?, ?>) stored
        .get("metadata")).get("ownerReferences")).get(0);
    assertEquals(((Map<?, ?>) object.get("metadata")).get("uid"), owner.get("uid"));
    Map<?, ?> result = (Map<?, ?>) ((List<?>) stored.get("results")).get(0);
    assertEquals("fail", result.get("result"));
    assertEquals("Deployment notes-api (3 replicas) has no PodDisruptionBudget", result.get("message"));
  }
}
