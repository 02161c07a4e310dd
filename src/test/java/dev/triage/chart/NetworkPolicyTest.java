package dev.triage.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.triage.yaml.YamlReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The NetworkPolicy of the chart (opt-in, with the API server's addresses given) and of the
 * kustomize base: the webhook port open to the API server only, the metrics port to the monitoring
 * namespace, on the pods the Deployment makes.
 */
class NetworkPolicyTest {

  @Test
  void theChartRendersNoPolicyUnlessAsked() throws Exception {
    assertTrue(HelmChart.find(HelmChart.withDefaults().objects(), "NetworkPolicy", "triage").isEmpty());
  }

  @Test
  void theChartsPolicyAdmitsTheApiServerToTheWebhookPortAndMonitoringToMetrics() throws Exception {
    List<Map<String, Object>> objects = HelmChart.withDefaults().set("networkPolicy.enabled", true)
        .set("networkPolicy.apiServerCIDRs[0]", "10.0.0.10/32").set("networkPolicy.apiServerCIDRs[1]", "fd00::/64")
        .set("metrics.port", 9100).objects();
    Map<String, Object> policy = HelmChart.get(objects, "NetworkPolicy", "triage");
    Map<?, ?> spec = (Map<?, ?>) policy.get("spec");
    assertEquals(podLabels(HelmChart.get(objects, "Deployment", "triage")),
        ((Map<?, ?>) spec.get("podSelector")).get("matchLabels"), "the policy selects the Deployment's pods");
    assertEquals(List.of("Ingress"), spec.get("policyTypes"));
    List<?> ingress = (List<?>) spec.get("ingress");
    assertEquals(2, ingress.size(), "the webhook port and the metrics port, nothing else: " + ingress);
    Map<?, ?> webhook = (Map<?, ?>) ingress.get(0);
    assertEquals(List.of(Map.of("protocol", "TCP", "port", 8443L)), webhook.get("ports"));
    assertEquals(List.of(Map.of("ipBlock", Map.of("cidr", "10.0.0.10/32")), Map.of("ipBlock", Map.of("cidr", "fd00::/64"))),
        webhook.get("from"));
    Map<?, ?> metrics = (Map<?, ?>) ingress.get(1);
    assertEquals(List.of(Map.of("protocol", "TCP", "port", 9100L)), metrics.get("ports"));
    assertEquals(List.of(Map.of("namespaceSelector", Map.of("matchLabels",
        Map.of("kubernetes.io/metadata.name", "monitoring")))), metrics.get("from"));
  }

  @Test
  void apiServerPodsCanBeNamedBySelector() throws Exception {
    Map<String, Object> policy = HelmChart.get(HelmChart.withDefaults().set("networkPolicy.enabled", true)
        .set("networkPolicy.apiServerFrom[0].namespaceSelector.matchLabels.kubernetes\\.io/metadata\\.name",
            "kube-system")
        .set("networkPolicy.apiServerFrom[0].podSelector.matchLabels.component", "kube-apiserver").objects(),
        "NetworkPolicy", "triage");
    Map<?, ?> webhook = (Map<?, ?>) ((List<?>) ((Map<?, ?>) policy.get("spec")).get("ingress")).get(0);
    assertEquals(List.of(Map.of("namespaceSelector", Map.of("matchLabels", Map.of("kubernetes.io/metadata.name",
        "kube-system")), "podSelector", Map.of("matchLabels", Map.of("component", "kube-apiserver")))),
        webhook.get("from"));
  }

  @Test
  void enablingThePolicyWithoutTheApiServersAddressesFailsAndSaysWhatToSet() {
    Exception none = assertThrows(Exception.class,
        () -> HelmChart.withDefaults().set("networkPolicy.enabled", true).yaml());
    assertTrue(none.getMessage().contains("networkPolicy.apiServerCIDRs"), none.getMessage());
  }

  @Test
  void theSchemaRejectsAnAddressWithoutPrefixAndUnknownKeys() {
    Exception address = assertThrows(Exception.class, () -> HelmChart.withDefaults().set("networkPolicy.enabled", true)
        .set("networkPolicy.apiServerCIDRs[0]", "10.0.0.10").yaml());
    assertTrue(address.getMessage().contains("apiServerCIDRs"), address.getMessage());
    Exception typo = assertThrows(Exception.class, () -> HelmChart.withDefaults()
        .set("networkPolicy.apiServerCIDR[0]", "10.0.0.10/32").yaml());
    assertTrue(typo.getMessage().contains("apiServerCIDR"), typo.getMessage());
    Exception peer = assertThrows(Exception.class, () -> HelmChart.withDefaults()
        .set("networkPolicy.metricsFrom[0].namespaceSelektor.matchLabels.a", "b").yaml());
    assertTrue(peer.getMessage().contains("namespaceSelektor"), peer.getMessage());
  }

  @Test
  void theKustomizeBasesPolicySelectsTheDeploymentsPodsOnItsPorts() throws Exception {
    assertTrue(Files.readString(Path.of("webhook/kustomization.yaml")).contains("- networkpolicy.yaml"),
        "webhook/kustomization.yaml lists networkpolicy.yaml");
    Map<String, Object> policy = read("webhook/networkpolicy.yaml");
    Map<String, Object> deployment = read("webhook/deployment.yaml");
    Map<?, ?> spec = (Map<?, ?>) policy.get("spec");
    assertEquals(podLabels(deployment), ((Map<?, ?>) spec.get("podSelector")).get("matchLabels"));
    List<?> ingress = (List<?>) spec.get("ingress");
    Map<?, ?> container = (Map<?, ?>) ((List<?>) ((Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) deployment.get("spec"))
        .get("template")).get("spec")).get("containers")).get(0);
    Object httpsPort = ((Map<?, ?>) ((List<?>) container.get("ports")).get(0)).get("containerPort");
    assertEquals(List.of(Map.of("protocol", "TCP", "port", httpsPort)), ((Map<?, ?>) ingress.get(0)).get("ports"));
    assertEquals(List.of(Map.of("protocol", "TCP", "port", 9090L)), ((Map<?, ?>) ingress.get(1)).get("ports"),
        "serve's default --metrics-port");
  }

  private static Map<?, ?> podLabels(Map<String, Object> deployment) {
    Map<?, ?> template = (Map<?, ?>) ((Map<?, ?>) deployment.get("spec")).get("template");
    Map<?, ?> labels = (Map<?, ?>) ((Map<?, ?>) template.get("metadata")).get("labels");
    Map<?, ?> selector = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) deployment.get("spec")).get("selector")).get("matchLabels");
    assertTrue(labels.entrySet().containsAll(selector.entrySet()), "the pods carry the selector's labels");
    return selector;
  }

  private static Map<String, Object> read(String file) throws Exception {
    return YamlReader.read(file, Files.readString(Path.of(file))).get(0).content();
  }
}
