package dev.triage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.triage.cluster.StaticClusterView;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonStructure;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A realistic healthcare Deployment through the shipped rules over HTTPS, as the apiserver
 * would send it: mutated first, then validated; and the same workload in a dry-run namespace.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HealthcareAdmissionTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  RunningServer server;
  HttpClient client;

  @BeforeAll
  void start(@TempDir Path certs) throws Exception {
    Map<String, Object> onboarding = Map.of("apiVersion", "v1", "kind", "Namespace",
        "metadata", Map.of("name", "onboarding", "labels", Map.of("triage.dev/mode", "dry-run")));
    server = new RunningServer(Path.of("rules"), certs, new StaticClusterView(List.of(onboarding), "default"));
    assertTrue(server.rules.errors().isEmpty(), () -> "shipped rules have errors: " + server.rules.errors());
    client = server.client(HttpClient.Version.HTTP_1_1);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  static ObjectNode ehrApi(String namespace) throws Exception {
    return (ObjectNode) JSON.readTree("""
        {"apiVersion":"apps/v1","kind":"Deployment",
         "metadata":{"name":"ehr-api","namespace":"%s","labels":{"app":"ehr-api"}},
         "spec":{"replicas":3,"selector":{"matchLabels":{"app":"ehr-api"}},
           "template":{"metadata":{"labels":{"app":"ehr-api"}},
             "spec":{"containers":[{"name":"api","image":"registry.local/ehr-api:2.3.1",
               "ports":[{"containerPort":8080}],
               "env":[{"name":"DB_PASSWORD","value":"Pr0d-Patients-2024!"},{"name":"LOG_LEVEL","value":"info"}]}]}}}}
        """.formatted(namespace));
  }

  private JsonNode review(String path, JsonNode object, String namespace) throws Exception {
    String body = """
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{
          "uid":"%s","kind":{"group":"apps","version":"v1","kind":"Deployment"},
          "resource":{"group":"apps","version":"v1","resource":"deployments"},
          "name":"ehr-api","namespace":"%s","operation":"CREATE","userInfo":{"username":"argocd"},
          "object":%s,"oldObject":null,"dryRun":false}}
        """.formatted(Reviews.uid(), namespace, JSON.writeValueAsString(object));
    HttpResponse<String> response = server.post(client, path, "application/json", Reviews.bytes(body));
    assertEquals(200, response.statusCode(), response.body());
    return JSON.readTree(response.body()).path("response");
  }

  /** Applies the response's patch with JSON-P, an implementation independent of Triage's. */
  private static JsonNode applyPatch(JsonNode object, JsonNode response) throws Exception {
    assertEquals("JSONPatch", response.path("patchType").asText());
    String patch = new String(Base64.getDecoder().decode(response.path("patch").asText()), StandardCharsets.UTF_8);
    JsonArray operations = Json.createReader(new StringReader(patch)).readArray();
    JsonStructure target = Json.createReader(new StringReader(JSON.writeValueAsString(object))).read();
    return JSON.readTree(Json.createPatch(operations).apply(target).toString());
  }

  @Test
  void mutatesTheDeploymentIntoAValidObjectThenDeniesItForBothReasons() throws Exception {
    ObjectNode original = ehrApi("clinical");
    JsonNode mutation = review("/mutate", original, "clinical");
    assertTrue(mutation.path("allowed").asBoolean(), mutation.toString());
    JsonNode mutated = applyPatch(original, mutation);

    Deployment deployment = JSON.treeToValue(mutated, Deployment.class);
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    assertEquals("true", deployment.getSpec().getTemplate().getMetadata().getLabels().get("sidecar.istio.io/inject"));
    assertEquals(Boolean.TRUE, pod.getSecurityContext().getRunAsNonRoot());
    assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType());
    Container api = pod.getContainers().get(0);
    assertEquals(Boolean.FALSE, api.getSecurityContext().getAllowPrivilegeEscalation());
    assertEquals(List.of("ALL"), api.getSecurityContext().getCapabilities().getDrop());
    assertEquals(8080, api.getReadinessProbe().getTcpSocket().getPort().getIntVal());
    assertNotNull(api.getLivenessProbe());
    assertEquals(new Quantity("100m"), api.getResources().getRequests().get("cpu"));
    assertEquals(new Quantity("512Mi"), api.getResources().getLimits().get("memory"));
    assertEquals("Pr0d-Patients-2024!", api.getEnv().get(0).getValue(), "the author's fields stay as written");

    JsonNode again = review("/mutate", mutated, "clinical");
    assertTrue(again.path("patch").isMissingNode(), "a second pass (reinvocation) changes nothing");

    JsonNode validation = review("/validate", mutated, "clinical");
    assertFalse(validation.path("allowed").asBoolean());
    String message = validation.path("status").path("message").asText();
    assertTrue(message.contains("require-pdb: "), message);
    assertTrue(message.contains("vault-secrets-only: "), message);
    assertTrue(message.contains("DB_PASSWORD"), message);
    assertFalse(message.contains("Pr0d-Patients-2024!"), "a denial never quotes a secret value");
    // The audit log names the deciding rules (the apiserver files them under validate.triage.dev/).
    assertEquals("require-pdb,vault-secrets-only", validation.path("auditAnnotations").path("denied-by").asText(),
        validation.toString());
    assertFalse(validation.path("auditAnnotations").toString().contains("DB_PASSWORD"),
        "audit annotations name rules, never fields or values");

    String decisions = server.logs();
    assertTrue(decisions.contains("\"require-pdb\":\"deny\""), decisions);
    assertFalse(decisions.contains("Pr0d-Patients-2024!"), "the decision log never holds a value");
    assertFalse(decisions.contains("DB_PASSWORD"), "the decision log never holds a field name from the object");
  }

  @Test
  void aDryRunNamespaceGetsWarningsAndNoPatch() throws Exception {
    ObjectNode original = ehrApi("onboarding");
    JsonNode mutation = review("/mutate", original, "onboarding");
    assertTrue(mutation.path("allowed").asBoolean());
    assertTrue(mutation.path("patch").isMissingNode(), "dry-run mutates nothing");
    assertTrue(mutation.path("warnings").toString().contains("[dry-run] mesh-sidecar-label: would add"),
        mutation.path("warnings").toString());

    JsonNode validation = review("/validate", original, "onboarding");
    assertTrue(validation.path("allowed").asBoolean(), validation.toString());
    String warnings = validation.path("warnings").toString();
    assertTrue(warnings.contains("[dry-run] require-pdb: "), warnings);
    assertTrue(warnings.contains("[dry-run] vault-secrets-only: "), warnings);
    for (JsonNode warning : validation.path("warnings")) {
      assertTrue(warning.asText().length() < 120, warning.asText());
    }
    assertTrue(validation.path("auditAnnotations").path("dry-run").asText().contains("require-pdb"));
  }
}
