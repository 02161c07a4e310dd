package dev.triage.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The chart passes --reports to serve and grants what writing reports needs, and no more. */
class ReportsChartTest {
  private static final List<?> WORKLOAD_LISTS = List.of(
      Map.of("apiGroups", List.of(""), "resources", List.of("pods", "replicationcontrollers"), "verbs", List.of("list")),
      Map.of("apiGroups", List.of("apps"), "resources", List.of("deployments", "statefulsets", "daemonsets",
          "replicasets"), "verbs", List.of("list")),
      Map.of("apiGroups", List.of("batch"), "resources", List.of("jobs", "cronjobs"), "verbs", List.of("list")));
  private static final List<String> REPORT_VERBS = List.of("get", "list", "create", "patch", "delete");

  @Test
  void openreportsByDefaultWithItsRightsAndTheLeaseInTheReleaseNamespace() throws Exception {
    List<Map<String, Object>> objects = HelmChart.withDefaults().objects();
    assertTrue(args(objects).contains("--reports=openreports"), args(objects)::toString);
    List<Object> rules = new java.util.ArrayList<>(List.of(Map.of("apiGroups", List.of("openreports.io"),
        "resources", List.of("reports", "clusterreports"), "verbs", REPORT_VERBS)));
    rules.addAll(WORKLOAD_LISTS);
    assertEquals(rules, HelmChart.get(objects, "ClusterRole", "triage-reports").get("rules"));
    Map<String, Object> lease = HelmChart.get(objects, "Role", "triage-reports-lease");
    Object namespace = ((Map<?, ?>) lease.get("metadata")).get("namespace");
    assertTrue(namespace == null || namespace.equals(HelmChart.NAMESPACE), "in the release namespace: " + namespace);
    assertEquals(List.of(
        Map.of("apiGroups", List.of("coordination.k8s.io"), "resources", List.of("leases"),
            "resourceNames", List.of("triage-reports"), "verbs", List.of("get", "update", "patch")),
        Map.of("apiGroups", List.of("coordination.k8s.io"), "resources", List.of("leases"),
            "verbs", List.of("create"))), lease.get("rules"));
    for (String binding : List.of("ClusterRoleBinding", "RoleBinding")) {
      Map<?, ?> subject = (Map<?, ?>) ((List<?>) HelmChart.get(objects, binding,
          binding.equals("RoleBinding") ? "triage-reports-lease" : "triage-reports").get("subjects")).get(0);
      assertEquals("triage", subject.get("name"));
    }
    assertTrue(env(objects).contains("POD_NAMESPACE") && env(objects).contains("POD_NAME"), env(objects));
  }

  @Test
  void wgpolicyk8sGrantsOnlyThatGroup() throws Exception {
    List<Map<String, Object>> objects = HelmChart.withDefaults().set("reports.format", "wgpolicyk8s").objects();
    assertTrue(args(objects).contains("--reports=wgpolicyk8s"), args(objects)::toString);
    List<?> rules = (List<?>) HelmChart.get(objects, "ClusterRole", "triage-reports").get("rules");
    assertEquals(Map.of("apiGroups", List.of("wgpolicyk8s.io"), "resources",
        List.of("policyreports", "clusterpolicyreports"), "verbs", REPORT_VERBS), rules.get(0));
    assertEquals(WORKLOAD_LISTS, rules.subList(1, rules.size()));
  }

  @Test
  void offGrantsNothingForReports() throws Exception {
    List<Map<String, Object>> objects = HelmChart.withDefaults().set("reports.format", "off").objects();
    assertTrue(args(objects).contains("--reports=off"), args(objects)::toString);
    assertTrue(HelmChart.find(objects, "ClusterRole", "triage-reports").isEmpty());
    assertTrue(HelmChart.find(objects, "Role", "triage-reports-lease").isEmpty());
  }

  private static Map<?, ?> container(List<Map<String, Object>> objects) {
    Map<?, ?> deployment = HelmChart.get(objects, "Deployment", "triage");
    Map<?, ?> podSpec = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) deployment.get("spec")).get("template")).get("spec");
    return (Map<?, ?>) ((List<?>) podSpec.get("containers")).get(0);
  }

  private static List<?> args(List<Map<String, Object>> objects) {
    return (List<?>) container(objects).get("args");
  }

  private static String env(List<Map<String, Object>> objects) {
    return String.valueOf(container(objects).get("env"));
  }
}
