package dev.triage.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import dev.triage.chart.HelmChart;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Helm chart, rendered for Kubernetes 1.20 and applied with kubectl to a real kube-apiserver
 * (a private one: the registered webhooks have no pods behind them, and fail as registered).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChartIT {
  KubeApiServer apiServer;
  Kubectl kubectl;
  String caBundle;

  @BeforeAll
  void install(@TempDir Path dir) throws Exception {
    apiServer = KubeApiServer.start();
    kubectl = new Kubectl(apiServer);
    Pki pki = Pki.in(dir.resolve("pki"));
    caBundle = Base64.getEncoder().encodeToString(Files.readAllBytes(pki.caCert()));
    namespace(HelmChart.NAMESPACE);
    String manifests = HelmChart.withDefaults().kubeVersion("1.20.2")
        .set("certificates.mode", "caBundle").set("certificates.caBundle", caBundle).yaml();
    Kubectl.Result applied = kubectl.apply(HelmChart.NAMESPACE, manifests);
    assertTrue(applied.ok(), applied.printed());
  }

  @AfterAll
  void stop() {
    if (apiServer != null) {
      apiServer.close();
    }
  }

  /** A namespace labelled with its name, as Kubernetes 1.21 and later label every namespace. */
  private void namespace(String name, String... labels) {
    assertTrue(kubectl.run("create", "namespace", name).ok());
    assertTrue(kubectl.run("label", "namespace", name, "kubernetes.io/metadata.name=" + name).ok());
    for (String label : labels) {
      assertTrue(kubectl.run("label", "namespace", name, label).ok());
    }
  }

  private Kubectl.Result createPod(String namespace) {
    return kubectl.apply(namespace, """
        apiVersion: v1
        kind: Pod
        metadata: {name: probe}
        spec:
          containers: [{name: app, image: registry.local/app:1.0}]
        """);
  }

  @Test
  @Order(1)
  void everyObjectOfTheChartIsServedByTheApiServer() {
    Kubectl.Result objects = kubectl.run("get", "-n", HelmChart.NAMESPACE, "-o", "name",
        "deployment,service,serviceaccount,configmap,poddisruptionbudget");
    assertTrue(objects.ok(), objects.printed());
    for (String name : new String[] {"deployment.apps/triage", "service/triage", "service/triage-metrics",
        "serviceaccount/triage", "configmap/triage-rules", "poddisruptionbudget.policy/triage"}) {
      assertTrue(objects.out().contains(name), name + " missing:\n" + objects.printed());
    }
    Kubectl.Result bundle = kubectl.run("get", "validatingwebhookconfiguration", "triage",
        "-o", "jsonpath={.webhooks[0].clientConfig.caBundle}");
    assertEquals(caBundle, bundle.out(), bundle.printed());
    Kubectl.Result rbac = kubectl.run("auth", "can-i", "list", "poddisruptionbudgets",
        "--as=system:serviceaccount:triage-system:triage");
    assertEquals("yes", rbac.out().strip(), rbac.printed());
    for (String resource : new String[] {"deployments.apps", "statefulsets.apps", "daemonsets.apps",
        "replicasets.apps", "jobs.batch", "cronjobs.batch", "pods"}) {
      Kubectl.Result watch = kubectl.run("auth", "can-i", "watch", resource,
          "--as=system:serviceaccount:triage-system:triage");
      assertEquals("yes", watch.out().strip(), "the background scan watches " + resource + ": " + watch.printed());
    }
    Kubectl.Result get = kubectl.run("auth", "can-i", "get", "deployments.apps", "-n", "default",
        "--as=system:serviceaccount:triage-system:triage");
    assertEquals("no", get.out().strip(), "the background scan lists and watches, nothing more");
    Kubectl.Result secrets = kubectl.run("auth", "can-i", "get", "secrets", "-n", HelmChart.NAMESPACE,
        "--as=system:serviceaccount:triage-system:triage");
    assertEquals("no", secrets.out().strip(), "no Secret rights without self-managed certificates");
  }

  /** Ordered: the last step deletes the registrations (the emergency disable of docs/operations.md). */
  @Test
  @Order(2)
  void validationFailsClosedOutsideExcludedNamespacesUntilTheRegistrationsAreDeleted() {
    namespace("clinical");
    namespace("opted-out", "triage.dev/ignore=true");

    Kubectl.Result refused = createPod("clinical");
    assertFalse(refused.ok(), "no Triage pod answers, and validation fails closed:\n" + refused.printed());
    assertTrue(refused.err().contains("validate.triage.dev"), refused.printed());
    assertFalse(refused.err().contains("mutate.triage.dev"), "mutation fails open:\n" + refused.printed());

    Kubectl.Result optedOut = createPod("opted-out");
    assertTrue(optedOut.ok(), "a namespace labelled triage.dev/ignore=true is never sent:\n" + optedOut.printed());
    Kubectl.Result ownNamespace = createPod(HelmChart.NAMESPACE);
    assertTrue(ownNamespace.ok(), "Triage's own namespace is never sent:\n" + ownNamespace.printed());

    assertTrue(kubectl.run("delete", "validatingwebhookconfiguration", "triage").ok());
    assertTrue(kubectl.run("delete", "mutatingwebhookconfiguration", "triage").ok());
    Kubectl.Result admitted = createPod("clinical");
    assertTrue(admitted.ok(), "with the registrations deleted, admission goes on without Triage:\n"
        + admitted.printed());
  }

  /** The onboarding commands of docs/operations.md. */
  @Test
  @Order(3)
  void aNamespacesModeIsALabelSetAndRemovedWithKubectl() {
    namespace("clinical-notes");
    assertTrue(kubectl.run("label", "namespace", "clinical-notes", "triage.dev/mode=dry-run", "--overwrite").ok());
    assertEquals("dry-run", kubectl.run("get", "namespace", "clinical-notes",
        "-o", "jsonpath={.metadata.labels.triage\\.dev/mode}").out());
    assertTrue(kubectl.run("label", "namespace", "clinical-notes", "triage.dev/mode=warn", "--overwrite").ok());
    assertTrue(kubectl.run("label", "namespace", "clinical-notes", "triage.dev/mode-").ok());
    assertEquals("", kubectl.run("get", "namespace", "clinical-notes",
        "-o", "jsonpath={.metadata.labels.triage\\.dev/mode}").out());
  }

  /** helm install itself, which learns from the API server which PodDisruptionBudget version it serves. */
  @Test
  @Order(4)
  void helmInstallsTheChartIntoTheApiServer() {
    namespace("triage-helm");
    Release release = new Helm(HelmChart.DIR).install().withName("triage-helm").withNamespace("triage-helm")
        .withKubeConfig(apiServer.adminKubeconfig)
        .set("certificates.mode", "caBundle").set("certificates.caBundle", caBundle)
        .call();
    assertEquals("deployed", release.getStatus(), release.getOutput());
    Kubectl.Result pdb = kubectl.run("get", "poddisruptionbudgets.v1beta1.policy", "triage-helm", "-n", "triage-helm",
        "-o", "jsonpath={.spec.minAvailable}");
    assertEquals("2", pdb.out(), pdb.printed());
    Kubectl.Result webhook = kubectl.run("get", "validatingwebhookconfiguration", "triage-helm",
        "-o", "jsonpath={.webhooks[0].clientConfig.service.namespace}");
    assertEquals("triage-helm", webhook.out(), webhook.printed());
  }
}
