package dev.triage.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What a user meets through {@code kubectl apply} once Triage is registered with a real
 * kube-apiserver from {@code webhook/}. Subclasses run Triage one way each.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class AdmissionScenarios {
  static final String MESH_LABEL = "sidecar.istio.io/inject";
  private static final ObjectMapper JSON = new ObjectMapper();
  /** kubectl -v=6's line for the create, in the old and the structured log format. */
  private static final Pattern REQUEST_LOG = Pattern.compile(
      "POST \\S+/deployments\\S* 201 Created in (\\d+) milliseconds"
      + "|verb=\"POST\" url=\"[^\"]+/deployments[^\"]*\" status=\"201 Created\" milliseconds=(\\d+)");

  KubeApiServer apiServer;
  Kubectl kubectl;
  Pki pki;
  Triage triage;

  /** Starts the Triage under test. */
  abstract Triage start(KubeApiServer apiServer, Pki pki) throws Exception;

  /** Prefix of this class's namespaces, so both ways can share one API server. */
  abstract String prefix();

  @BeforeAll
  void register() throws Exception {
    apiServer = KubeApiServer.get();
    kubectl = new Kubectl(apiServer);
    pki = Pki.in(apiServer.dir.resolve(prefix() + "-pki"));
    WebhookRegistration.grantClusterView(kubectl);
    triage = start(apiServer, pki);
    WebhookRegistration.register(apiServer, kubectl, triage, pki);
  }

  @AfterAll
  void unregister() throws Exception {
    if (triage != null) {
      triage.close();
    }
    if (kubectl != null) {
      kubectl.run("delete", "mutatingwebhookconfiguration/triage", "validatingwebhookconfiguration/triage",
          "--ignore-not-found");
    }
  }

  @Test
  void deploymentWithoutPdbAndWithLiteralPasswordIsDeniedSayingWhatToChange() {
    String namespace = namespace("denied");
    Kubectl.Result result = kubectl.apply(namespace, manifest("ehr-api-unsafe.yaml"));
    assertFalse(result.ok(), result::printed);
    assertTrue(result.err().contains("admission webhook \"validate.triage.dev\" denied the request"), result::printed);
    assertTrue(result.err().contains("Deployment ehr-api (3 replicas) has no PodDisruptionBudget selecting"
        + " app=ehr-api; add one"), result::printed);
    assertTrue(result.err().contains("container api env DB_PASSWORD holds a literal secret"), result::printed);
    assertFalse(result.err().contains("correct-horse-battery-staple"), "the password is never echoed");
    assertFalse(kubectl.run("get", "-n", namespace, "deployment/ehr-api").ok(), "nothing was created");
  }

  @Test
  void deploymentWithPdbFirstAndVaultIsCreatedWithTheDefaults() throws IOException {
    String namespace = namespace("created");
    Kubectl.Result result = kubectl.apply(namespace, manifest("ehr-api.yaml"));
    assertTrue(result.ok(), result::printed);

    JsonNode template = get(namespace, "deployment/ehr-api").at("/spec/template");
    assertEquals("true", template.at("/metadata/labels").path(MESH_LABEL).asText(), template::toString);
    assertEquals("ehr-api", template.at("/metadata/labels/app").asText(), "the author's labels stay");
    assertTrue(template.at("/spec/securityContext/runAsNonRoot").asBoolean(), template::toString);
    assertEquals("RuntimeDefault", template.at("/spec/securityContext/seccompProfile/type").asText());
    JsonNode container = template.at("/spec/containers/0");
    assertFalse(container.at("/securityContext/allowPrivilegeEscalation").asBoolean(true), container::toString);
    assertEquals("ALL", container.at("/securityContext/capabilities/drop/0").asText(), container::toString);
    assertFalse(container.path("readinessProbe").isMissingNode(), container::toString);
    assertFalse(container.path("livenessProbe").isMissingNode(), container::toString);
    assertEquals("100m", container.at("/resources/requests/cpu").asText(), container::toString);
    assertEquals("512Mi", container.at("/resources/limits/memory").asText(), container::toString);
    assertEquals("/vault/secrets/db", container.at("/env/0/value").asText(), "the author's env stays");
  }

  @Test
  void pdbAppliedOneCommandBeforeItsDeploymentIsHonoured() {
    String namespace = namespace("pdb-first");
    String[] documents = documents("ehr-api.yaml");
    Kubectl.Result budget = kubectl.apply(namespace, documents[0]);
    assertTrue(budget.ok(), budget::printed);
    Kubectl.Result deployment = kubectl.apply(namespace, documents[1]);
    assertTrue(deployment.ok(), deployment::printed);
  }

  @Test
  void privilegedPodIsDenied() {
    String namespace = namespace("privileged");
    Kubectl.Result result = kubectl.apply(namespace, manifest("privileged-pod.yaml"));
    assertFalse(result.ok(), result::printed);
    assertTrue(result.err().contains("container shell sets securityContext.privileged: true"), result::printed);
  }

  @Test
  void dryRunNamespaceGetsWarningsAndNoMutation() throws IOException {
    String namespace = namespace("onboarding", "triage.dev/mode=dry-run");
    Kubectl.Result result = kubectl.apply(namespace, manifest("ehr-api-unsafe.yaml"));
    assertTrue(result.ok(), result::printed);
    assertTrue(result.err().contains("Warning: [dry-run] require-pdb: Deployment ehr-api"), result::printed);
    assertTrue(result.err().contains("Warning: [dry-run] vault-secrets-only:"), result::printed);
    JsonNode template = get(namespace, "deployment/ehr-api").at("/spec/template");
    assertTrue(template.at("/metadata/labels").path(MESH_LABEL).isMissingNode(), template::toString);
    assertTrue(template.at("/spec/containers/0/readinessProbe").isMissingNode(), template::toString);
  }

  @Test
  void serverSideDryRunIsReviewedAndChangesNothing() {
    String namespace = namespace("server-dry-run");
    Kubectl.Result denied = kubectl.apply(namespace, manifest("ehr-api-unsafe.yaml"), "--dry-run=server");
    assertFalse(denied.ok(), "a server-side dry run is reviewed like the real thing: " + denied.printed());

    String[] documents = documents("ehr-api.yaml");
    Kubectl.Result budget = kubectl.apply(namespace, documents[0]);
    assertTrue(budget.ok(), budget::printed);
    Kubectl.Result result = kubectl.apply(namespace, documents[1], "--dry-run=server", "-o", "json");
    assertTrue(result.ok(), result::printed);
    assertTrue(result.out().contains("\"" + MESH_LABEL + "\": \"true\""), "the dry run shows the defaults");
    assertFalse(kubectl.run("get", "-n", namespace, "deployment/ehr-api").ok(), "nothing was created");
  }

  @Test
  void serverSideApplyIsReviewedAndMutated() throws IOException {
    String namespace = namespace("server-side");
    Kubectl.Result result = kubectl.apply(namespace, manifest("ehr-api.yaml"), "--server-side");
    assertTrue(result.ok(), result::printed);
    JsonNode template = get(namespace, "deployment/ehr-api").at("/spec/template");
    assertEquals("true", template.at("/metadata/labels").path(MESH_LABEL).asText(), template::toString);
    Kubectl.Result again = kubectl.apply(namespace, manifest("ehr-api.yaml"), "--server-side");
    assertTrue(again.ok(), "re-applying changes nothing and is allowed: " + again.printed());
  }

  @Test
  void updateThatTakesThePodsOutOfTheirPdbIsDenied() {
    String namespace = namespace("update");
    String manifests = manifest("records-worker.yaml");
    Kubectl.Result created = kubectl.apply(namespace, manifests);
    assertTrue(created.ok(), created::printed);

    String withoutPdbLabel = manifests.replace("        component: records-worker # the PDB selects this\n", "");
    assertFalse(withoutPdbLabel.equals(manifests), "the fixture carries the PDB label line");
    Kubectl.Result updated = kubectl.apply(namespace, withoutPdbLabel);
    assertFalse(updated.ok(), updated::printed);
    assertTrue(updated.err().contains("Deployment records-worker (2 replicas) has no PodDisruptionBudget"),
        updated::printed);
  }

  @Test
  void kubeSystemObjectsPassUntouched() throws IOException {
    String pod = manifest("privileged-pod.yaml").replace("name: debug-shell", "name: " + prefix() + "-node-debug");
    Kubectl.Result result = kubectl.apply("kube-system", pod);
    assertTrue(result.ok(), result::printed);
    JsonNode created = get("kube-system", "pod/" + prefix() + "-node-debug");
    assertTrue(created.at("/metadata/labels").path(MESH_LABEL).isMissingNode(), created::toString);
    assertTrue(created.at("/spec/containers/0/securityContext/privileged").asBoolean(), created::toString);
    assertTrue(created.at("/spec/containers/0/readinessProbe").isMissingNode(), created::toString);
  }

  /**
   * Time the API server takes to answer a Deployment create (server-side dry run, so it can be
   * repeated), with Triage's two webhooks called, with two webhooks that allow everything unread
   * instead ({@link FloorWebhook}: what calling webhooks costs at all), and in a namespace no
   * webhook reviews; same run, same API server. Reported, not asserted: machines differ.
   */
  @Test
  @Order(Integer.MAX_VALUE - 1)
  void applyLatencyWithAndWithoutTriage() throws Exception {
    String reviewed = namespace("latency");
    String skipped = namespace("latency-skipped", "triage.dev/ignore=true");
    String floored = namespace("latency-floor", "triage.dev/ignore=true", FloorWebhook.NAMESPACE_LABEL);
    String[] documents = documents("ehr-api.yaml");
    for (String namespace : List.of(reviewed, skipped, floored)) {
      Kubectl.Result budget = kubectl.apply(namespace, documents[0]);
      assertTrue(budget.ok(), budget::printed);
    }
    String deployment = documents[1];
    List<Long> with = new ArrayList<>();
    List<Long> floor = new ArrayList<>();
    List<Long> without = new ArrayList<>();
    try (FloorWebhook webhooks = FloorWebhook.register(kubectl, pki)) {
      for (int i = 0; i < 25; i++) {
        with.add(createMillis(reviewed, deployment, true));
        floor.add(createMillis(floored, deployment, false));
        without.add(createMillis(skipped, deployment, false));
      }
    }
    String report = "%s: Deployment create answered by the API server (server-side dry run, n=20 after 5 warm-up):"
        .formatted(getClass().getSimpleName())
        + ("%n  with Triage:              median %d ms, max %d ms"
        + "%n  with two floor webhooks:  median %d ms, max %d ms"
        + "%n  without webhooks:         median %d ms, max %d ms%n").formatted(
            median(with), max(with), median(floor), max(floor), median(without), max(without));
    System.out.print(report);
    Files.writeString(Path.of("target", "e2e-apply-latency-" + prefix() + ".txt"), report);
  }

  /** One server-side dry-run create, timed by kubectl's own request log; checks who reviewed it. */
  private long createMillis(String namespace, String deployment, boolean reviewed) {
    Kubectl.Result result = kubectl.withInput(deployment, "create", "-n", namespace, "-f", "-", "--dry-run=server",
        "-o", "json", "-v=6");
    assertTrue(result.ok(), result::printed);
    assertEquals(reviewed, result.out().contains("\"" + MESH_LABEL + "\""), result::printed);
    Matcher timing = REQUEST_LOG.matcher(result.err());
    assertTrue(timing.find(), result::printed);
    return Long.parseLong(timing.group(1) != null ? timing.group(1) : timing.group(2));
  }

  private static long median(List<Long> millis) {
    List<Long> sorted = millis.subList(5, millis.size()).stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }

  private static long max(List<Long> millis) {
    return millis.subList(5, millis.size()).stream().mapToLong(Long::longValue).max().orElseThrow();
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void withTriageStoppedValidationFailsClosedAndMutationOpen() throws Exception {
    String namespace = namespace("outage");
    triage.close();
    triage = null;

    Kubectl.Result result = kubectl.apply(namespace, manifest("ehr-api.yaml"));
    assertFalse(result.ok(), "validation fails closed: " + result.printed());
    assertTrue(result.err().contains("failed calling webhook \"validate.triage.dev\""), result::printed);
    assertFalse(result.err().contains("mutate.triage.dev"), "mutation fails open: " + result.printed());

    String pod = manifest("privileged-pod.yaml").replace("name: debug-shell", "name: " + prefix() + "-outage");
    Kubectl.Result system = kubectl.apply("kube-system", pod);
    assertTrue(system.ok(), "the control plane's namespaces never depend on Triage: " + system.printed());
  }

  /** Creates a namespace of this class with the given labels ("key=value"). */
  String namespace(String name, String... labels) {
    String namespace = prefix() + "-" + name;
    Kubectl.Result created = kubectl.run("create", "namespace", namespace);
    assertTrue(created.ok(), created::printed);
    if (labels.length > 0) {
      String[] args = new String[labels.length + 2];
      args[0] = "label";
      args[1] = "namespace/" + namespace;
      System.arraycopy(labels, 0, args, 2, labels.length);
      Kubectl.Result labelled = kubectl.run(args);
      assertTrue(labelled.ok(), labelled::printed);
    }
    return namespace;
  }

  JsonNode get(String namespace, String object) throws IOException {
    Kubectl.Result result = kubectl.run("get", "-n", namespace, object, "-o", "json");
    assertTrue(result.ok(), result::printed);
    JsonNode node = JSON.readTree(result.out());
    assertNotNull(node);
    return node;
  }

  /** The YAML documents of a manifest file, in order. */
  static String[] documents(String name) {
    return manifest(name).split("(?m)^---$");
  }

  static String manifest(String name) {
    try (InputStream in = AdmissionScenarios.class.getResourceAsStream("/e2e/" + name)) {
      assertNotNull(in, "test resource e2e/" + name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
