package dev.triage.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The shipped openreports.io CRDs, installed on their own into a real API server: accepted as
 * structural schemas, and {@code kubectl get reports} shows a team its counts.
 */
class ReportCrdsIT {
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

  @Test
  void theCrdsInstallAloneAndReportsListWithTheirCounts() throws Exception {
    KubeApiServer apiServer = KubeApiServer.get();
    Kubectl kubectl = new Kubectl(apiServer);
    String crds = Files.readString(Path.of("webhook/crds/openreports.yaml"));
    Kubectl.Result applied = kubectl.withInput(crds, "apply", "-f", "-");
    assertTrue(applied.ok(), applied::printed);
    Kubectl.Result established = kubectl.run("wait", "--for=condition=Established", "--timeout=60s",
        "crd/reports.openreports.io", "crd/clusterreports.openreports.io");
    assertTrue(established.ok(), established::printed);
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
}
