package dev.triage.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every object the chart renders is a Kubernetes type as fabric8's model knows it, with no field
 * the type lacks (a misspelt field would be dropped silently by the apiserver).
 */
class RenderedManifestsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final KubernetesSerialization KUBERNETES = new KubernetesSerialization();
  /** Kinds of other projects, which fabric8's model does not hold. */
  private static final Set<String> FOREIGN = Set.of("Certificate", "Issuer", "ServiceMonitor");

  @ParameterizedTest
  @ValueSource(strings = {"certManager", "caBundle", "selfManaged"})
  void everyObjectDeserializesWithNoUnknownField(String mode) throws Exception {
    List<Map<String, Object>> objects = ChartTest.inMode(mode).set("metrics.serviceMonitor.enabled", true)
        .set("metrics.dashboard.enabled", true)
        .set("networkPolicy.enabled", true).set("networkPolicy.apiServerCIDRs[0]", "10.0.0.10/32").objects();
    assertTrue(objects.size() >= 10, "rendered " + objects.size() + " objects");
    for (Map<String, Object> object : objects) {
      HasMetadata typed = KUBERNETES.unmarshal(JSON.writeValueAsString(object), HasMetadata.class);
      String kind = (String) object.get("kind");
      if (FOREIGN.contains(kind)) {
        continue;
      }
      assertFalse(typed instanceof GenericKubernetesResource, kind + " is not a known Kubernetes type");
      List<String> unknown = new ArrayList<>();
      unknownFields(typed, kind, unknown);
      assertEquals(List.of(), unknown, "fields " + kind + " does not have");
    }
    Deployment deployment = KUBERNETES.unmarshal(JSON.writeValueAsString(HelmChart.get(objects, "Deployment", "triage")),
        Deployment.class);
    var container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertEquals("/readyz", container.getReadinessProbe().getHttpGet().getPath());
    assertEquals("/healthz", container.getLivenessProbe().getHttpGet().getPath());
    assertTrue(container.getSecurityContext().getReadOnlyRootFilesystem());
    assertEquals(3, deployment.getSpec().getReplicas());
  }

  private static void unknownFields(Object value, String path, List<String> found) throws Exception {
    if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        unknownFields(entry.getValue(), path + "." + entry.getKey(), found);
      }
      return;
    }
    if (value instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        unknownFields(item, path + "[" + i++ + "]", found);
      }
      return;
    }
    if (value == null || !value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Method getter : value.getClass().getMethods()) {
      if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get")
          || getter.getDeclaringClass() == Object.class || getter.getName().equals("getClass")) {
        continue;
      }
      Object field = getter.invoke(value);
      if (getter.getName().equals("getAdditionalProperties")) {
        if (field instanceof Map<?, ?> extra && !extra.isEmpty()) {
          found.add(path + ": " + extra.keySet());
        }
        continue;
      }
      unknownFields(field, path + "." + getter.getName().substring(3), found);
    }
  }
}
