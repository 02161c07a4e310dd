package dev.triage.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cel.common.values.NullValue;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ManifestRequestsTest {
  private static Map<String, Object> object(String apiVersion, String kind, String namespace) {
    Map<String, Object> metadata =
        namespace == null ? Map.of("name", "x") : Map.of("name", "x", "namespace", namespace);
    return Map.of("apiVersion", apiVersion, "kind", kind, "metadata", metadata);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "Pod, pods", "Ingress, ingresses", "NetworkPolicy, networkpolicies", "Endpoints, endpoints",
      "Gateway, gateways", "StorageClass, storageclasses", "PodSecurityPolicy, podsecuritypolicies",
      "Deployment, deployments"})
  void kindsMapToTheirPluralResource(String kind, String resource) {
    assertEquals(resource, ManifestRequests.resource(kind));
  }

  @Test
  void aCreateLooksLikeTheApiserversRequest() {
    AdmissionRequest request = ManifestRequests.of(object("apps/v1", "Deployment", null), null, "CREATE", "team-a");
    assertEquals(List.of("apps", "v1", "deployments"), request.resource().asList());
    assertEquals(request.resource(), request.requestResource());
    assertEquals("Deployment", request.kind());
    assertEquals("team-a", request.namespace(), "kubectl's current namespace when the manifest names none");
    assertEquals("x", request.name());
    assertEquals("", request.subResource());
    assertEquals(NullValue.NULL_VALUE, request.oldObject());
  }

  @Test
  void theManifestNamespaceWins() {
    assertEquals("ward-7", ManifestRequests.of(object("v1", "Pod", "ward-7"), null, "CREATE", "default").namespace());
  }

  @Test
  void clusterScopedKindsHaveNoNamespace() {
    AdmissionRequest request = ManifestRequests.of(object("rbac.authorization.k8s.io/v1", "ClusterRole", null), null,
        "CREATE", "default");
    assertEquals("", request.namespace());
    assertEquals(List.of("rbac.authorization.k8s.io", "v1", "clusterroles"), request.resource().asList());
  }

  @Test
  void aNamespaceIsItsOwnNamespace() {
    assertEquals("x", ManifestRequests.of(object("v1", "Namespace", null), null, "CREATE", "default").namespace());
  }

  @Test
  void aDeleteCarriesOnlyTheOldObject() {
    Map<String, Object> old = object("v1", "Pod", null);
    AdmissionRequest request = ManifestRequests.of(null, old, "DELETE", "default");
    assertEquals(NullValue.NULL_VALUE, request.object());
    assertEquals(old, request.subject());
    assertEquals("x", request.name());
  }
}
