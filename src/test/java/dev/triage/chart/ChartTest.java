package dev.triage.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import dev.triage.yaml.YamlReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import dev.triage.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** charts/triage as Helm lints and renders it. */
class ChartTest {
  private static final String CA_BUNDLE = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==";

  static HelmChart inMode(String mode) {
    HelmChart chart = HelmChart.withDefaults().set("certificates.mode", mode);
    return mode.equals("caBundle") ? chart.set("certificates.caBundle", CA_BUNDLE) : chart;
  }

  @Test
  void helmLintFindsNothing() {
    LintResult lint = new Helm(HelmChart.DIR).lint().strict().call();
    assertFalse(lint.isFailed(), () -> String.join("\n", lint.getMessages()));
    assertTrue(lint.getMessages().stream().noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]")),
        () -> String.join("\n", lint.getMessages()));
  }

  @Test
  void theChartsRulesAreACopyOfRules() throws Exception {
    List<String> shipped = yamlNames(Path.of("rules"));
    assertEquals(shipped, yamlNames(HelmChart.DIR.resolve("rules")),
        "charts/triage/rules/ holds the same files as rules/ (cp rules/*.yaml charts/triage/rules/)");
    for (String name : shipped) {
      assertEquals(Files.readString(Path.of("rules", name)), Files.readString(HelmChart.DIR.resolve("rules").resolve(name)),
          () -> "charts/triage/rules/" + name + " differs from rules/" + name + "; cp rules/*.yaml charts/triage/rules/");
    }
  }

  @Test
  void theChartsReportCrdsAreACopyOfTheKustomizeOnes() throws Exception {
    assertEquals(Files.readString(Path.of("webhook/crds/openreports.yaml")),
        Files.readString(HelmChart.DIR.resolve("crds/openreports.yaml")),
        "charts/triage/crds/openreports.yaml differs from webhook/crds/openreports.yaml; cp webhook/crds/*.yaml"
            + " charts/triage/crds/");
  }

  private static List<String> yamlNames(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList();
    }
  }

  @Test
  void theRulesConfigMapServesEveryShippedRuleAndAllowsTheChartsTlsSecret() throws Exception {
    Map<String, Object> rules = HelmChart.get(HelmChart.withDefaults().objects(), "ConfigMap", "triage-rules");
    Map<?, ?> data = (Map<?, ?>) rules.get("data");
    assertEquals(yamlNames(Path.of("rules")), data.keySet().stream().map(Object::toString).sorted().toList());
    assertEquals(Files.readString(Path.of("rules/require-pdb.yaml")), data.get("require-pdb.yaml") + "\n");
    Map<String, Object> settings = YamlReader.read("settings.yaml", (String) data.get("settings.yaml")).get(0).content();
    Map<?, ?> spec = (Map<?, ?>) settings.get("spec");
    assertEquals(List.of("triage-tls"), spec.get("allowedSecretNames"));
    assertEquals("8Gi", spec.get("maxMemoryLimit"), "the shipped settings are kept");
  }

  @Test
  void settingsFromValuesAreMergedOverTheShippedOnes() throws Exception {
    Map<String, Object> rules = HelmChart.get(HelmChart.withDefaults().set("rules.settings.maxMemoryLimit", "4Gi")
        .set("rules.allowedSecretNames[0]", "legacy-db").set("certificates.mode", "selfManaged").objects(),
        "ConfigMap", "triage-rules");
    String settings = (String) ((Map<?, ?>) rules.get("data")).get("settings.yaml");
    Map<?, ?> spec = (Map<?, ?>) YamlReader.read("settings.yaml", settings).get(0).content().get("spec");
    assertEquals("4Gi", spec.get("maxMemoryLimit"));
    assertEquals(List.of("legacy-db"), spec.get("allowedSecretNames"), "self-managed mode mounts no Secret");
    assertEquals("100m", ((Map<?, ?>) ((Map<?, ?>) spec.get("defaultResources")).get("requests")).get("cpu"));
  }

  @Test
  void theDisruptionBudgetIsPolicyV1beta1UnlessTheClusterServesV1() throws Exception {
    assertEquals("policy/v1beta1", pdbApiVersion(HelmChart.withDefaults().kubeVersion("1.20.2")));
    assertEquals("policy/v1", pdbApiVersion(HelmChart.withDefaults().set("podDisruptionBudget.apiVersion", "policy/v1")));
    Map<String, Object> pdb = HelmChart.get(HelmChart.withDefaults().objects(), "PodDisruptionBudget", "triage");
    assertEquals(2L, ((Map<?, ?>) pdb.get("spec")).get("minAvailable"));
  }

  private static String pdbApiVersion(HelmChart chart) throws Exception {
    return (String) HelmChart.get(chart.objects(), "PodDisruptionBudget", "triage").get("apiVersion");
  }

  @Test
  void aMisspeltValueFailsTheRender() {
    Exception typo = assertThrows(Exception.class, () -> HelmChart.withDefaults().set("replicaCount", 5).yaml());
    assertTrue(typo.getMessage().contains("replicaCount"), typo.getMessage());
    Exception nested = assertThrows(Exception.class,
        () -> HelmChart.withDefaults().set("webhook.failurePolicy.validate", "fail").yaml());
    assertTrue(nested.getMessage().contains("failurePolicy"), nested.getMessage());
    Exception mode = assertThrows(Exception.class, () -> HelmChart.withDefaults().set("certificates.mode", "vault").yaml());
    assertTrue(mode.getMessage().contains("mode"), mode.getMessage());
  }

  @Test
  void caBundleModeNeedsTheBundle() {
    Exception missing = assertThrows(Exception.class,
        () -> HelmChart.withDefaults().set("certificates.mode", "caBundle").yaml());
    assertTrue(missing.getMessage().contains("certificates.caBundle"), missing.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"certManager", "caBundle", "selfManaged"})
  void onlySelfManagedCertificatesGetRightsOnTheSecretAndTheWebhooks(String mode) throws Exception {
    List<Map<String, Object>> objects = inMode(mode).objects();
    List<Map<?, ?>> grants = new ArrayList<>();
    for (Map<String, Object> object : objects) {
      String name = (String) ((Map<?, ?>) object.get("metadata")).get("name");
      if ((object.get("kind").equals("Role") || object.get("kind").equals("ClusterRole"))
          && !name.startsWith("triage-reports")) { // ReportsChartTest
        for (Object rule : (List<?>) object.get("rules")) {
          grants.add((Map<?, ?>) rule);
        }
      }
    }
    for (Map<?, ?> grant : grants) {
      List<?> resources = (List<?>) grant.get("resources");
      boolean sensitive = resources.contains("secrets") || resources.contains("mutatingwebhookconfigurations")
          || resources.contains("validatingwebhookconfigurations");
      if (!sensitive) {
        List<String> readOnly = resources.contains("namespaces") || resources.contains("poddisruptionbudgets")
            ? List.of("get", "list", "watch") : List.of("list", "watch");
        assertEquals(readOnly, grant.get("verbs"), "cluster view and background scan are read only: " + grant);
        continue;
      }
      assertEquals("selfManaged", mode, "no rights on Secrets or webhooks in mode " + mode + ": " + grant);
      if (grant.get("verbs").equals(List.of("create"))) {
        assertEquals(List.of("secrets"), resources, "the only unnamed grant: creating the Secret, " + grant);
        continue;
      }
      assertEquals(List.of("get", "update"), grant.get("verbs"));
      assertEquals(resources.contains("secrets") ? List.of("triage-tls") : List.of("triage"),
          grant.get("resourceNames"), "only Triage's own objects, by name");
    }
    assertEquals(mode.equals("selfManaged") ? 8 : 5, grants.size(), grants.toString());
  }

  @Test
  void certificateModesShowInTheWebhooksAndTheDeployment() throws Exception {
    List<Map<String, Object>> certManager = inMode("certManager").objects();
    assertEquals("triage-system/triage-serving", WebhookRegistrations.annotations(certManager,
        "ValidatingWebhookConfiguration").get("cert-manager.io/inject-ca-from"));
    assertTrue(HelmChart.find(certManager, "Certificate", "triage-serving").isPresent());

    List<Map<String, Object>> caBundle = inMode("caBundle").objects();
    assertEquals(CA_BUNDLE, WebhookRegistrations.webhook(caBundle, "MutatingWebhookConfiguration")
        .path("clientConfig", "caBundle"));
    assertTrue(HelmChart.find(caBundle, "Certificate", "triage-serving").isEmpty());

    List<Map<String, Object>> selfManaged = inMode("selfManaged").objects();
    String deployment = selfManaged.stream().filter(o -> o.get("kind").equals("Deployment")).findFirst()
        .orElseThrow().toString();
    assertFalse(deployment.contains("secretName"), "self-managed certificates are read through the API: " + deployment);
  }

  @ParameterizedTest
  @ValueSource(strings = {"certManager", "caBundle", "selfManaged"})
  void containerArgumentsAreOnesServeAccepts(String mode) throws Exception {
    Map<?, ?> deployment = inMode(mode).objects().stream().filter(o -> o.get("kind").equals("Deployment"))
        .findFirst().orElseThrow();
    Map<?, ?> podSpec = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) deployment.get("spec")).get("template")).get("spec");
    List<?> args = (List<?>) ((Map<?, ?>) ((List<?>) podSpec.get("containers")).get(0)).get("args");
    // Throws on an option serve does not know, or a value it cannot convert.
    Main.commandLine().parseArgs(args.stream().map(String::valueOf).toArray(String[]::new));
  }

  @Test
  void theBackgroundScanRunsEveryIntervalAsTheChartsServiceAccountWithListAndWatchOnWorkloads() throws Exception {
    List<Map<String, Object>> objects = HelmChart.withDefaults().objects();
    List<String> args = containerArgs(objects);
    assertTrue(args.contains("--scan-interval=1h"), args.toString());
    assertTrue(args.contains("--scan-as=system:serviceaccount:triage-system:triage"), args.toString());
    assertTrue(args.contains("--scan-excluded-namespaces=kube-system,kube-public,kube-node-lease,triage-system"),
        args.toString());
    assertTrue(containerArgs(HelmChart.withDefaults().set("webhook.excludedNamespaces[0]", "research").objects())
        .contains("--scan-excluded-namespaces=kube-system,kube-public,kube-node-lease,triage-system,research"));
    Map<String, Object> role = HelmChart.get(objects, "ClusterRole", "triage-background-scan");
    assertEquals(List.of(
        Map.of("apiGroups", List.of("apps"), "resources",
            List.of("deployments", "statefulsets", "daemonsets", "replicasets"), "verbs", List.of("list", "watch")),
        Map.of("apiGroups", List.of("batch"), "resources", List.of("jobs", "cronjobs"),
            "verbs", List.of("list", "watch")),
        Map.of("apiGroups", List.of(""), "resources", List.of("pods"), "verbs", List.of("list", "watch"))),
        role.get("rules"));
    Map<String, Object> binding = HelmChart.get(objects, "ClusterRoleBinding", "triage-background-scan");
    assertEquals(List.of(Map.of("kind", "ServiceAccount", "name", "triage", "namespace", "triage-system")),
        binding.get("subjects"));

    List<Map<String, Object>> every30m = HelmChart.withDefaults().set("backgroundScan.interval", "30m").objects();
    assertTrue(containerArgs(every30m).contains("--scan-interval=30m"));

    List<Map<String, Object>> off = HelmChart.withDefaults().set("backgroundScan.interval", "0").objects();
    assertTrue(containerArgs(off).contains("--scan-interval=0"), containerArgs(off).toString());
    assertTrue(HelmChart.find(off, "ClusterRole", "triage-background-scan").isEmpty(), "no scan, no rights");
    assertTrue(HelmChart.find(off, "ClusterRoleBinding", "triage-background-scan").isEmpty());
    Main.commandLine().parseArgs(containerArgs(off).toArray(String[]::new));

    Exception typo = assertThrows(Exception.class,
        () -> HelmChart.withDefaults().set("backgroundScan.interval", "hourly").yaml());
    assertTrue(typo.getMessage().contains("interval"), typo.getMessage());
  }

  private static List<String> containerArgs(List<Map<String, Object>> objects) {
    Map<?, ?> deployment = objects.stream().filter(o -> o.get("kind").equals("Deployment")).findFirst().orElseThrow();
    Map<?, ?> podSpec = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) deployment.get("spec")).get("template")).get("spec");
    return ((List<?>) ((Map<?, ?>) ((List<?>) podSpec.get("containers")).get(0)).get("args")).stream()
        .map(String::valueOf).toList();
  }

  @Test
  void metricsServiceMonitorAndDashboardAreThereWhenAskedFor() throws Exception {
    List<Map<String, Object>> plain = HelmChart.withDefaults().objects();
    assertTrue(HelmChart.find(plain, "Service", "triage-metrics").isPresent());
    assertTrue(HelmChart.find(plain, "ServiceMonitor", "triage").isEmpty());
    List<Map<String, Object>> observed = HelmChart.withDefaults().set("metrics.serviceMonitor.enabled", true)
        .set("metrics.dashboard.enabled", true).objects();
    assertTrue(HelmChart.find(observed, "ServiceMonitor", "triage").isPresent());
    Map<?, ?> dashboard = (Map<?, ?>) HelmChart.get(observed, "ConfigMap", "triage-dashboard").get("data");
    assertEquals(Files.readString(HelmChart.DIR.resolve("dashboards/triage.json")).strip(),
        ((String) dashboard.get("triage.json")).strip());
  }
}
