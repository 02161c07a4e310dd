package dev.triage.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * Registers Triage with the API server from {@code webhook/}, as a user would: a kustomize
 * overlay that points both webhooks at a URL with a caBundle, for a Triage running outside the
 * cluster (so the in-cluster Deployment, Service and PDB are left out), applied with
 * {@code kubectl apply -k}.
 */
final class WebhookRegistration {
  private WebhookRegistration() {}

  /** Triage's namespace, service account and read-only RBAC, as {@code webhook/} defines them. */
  static void grantClusterView(Kubectl kubectl) {
    Path webhook = Prerequisites.PROJECT.resolve("webhook");
    Kubectl.Result applied = kubectl.run("apply", "-n", "triage-system",
        "-f", webhook.resolve("namespace.yaml").toString(), "-f", webhook.resolve("rbac.yaml").toString());
    assertTrue(applied.ok(), applied::printed);
  }

  static void register(KubeApiServer apiServer, Kubectl kubectl, Triage triage, Pki pki) throws Exception {
    Path overlay = apiServer.dir.resolve("overlay-" + triage.port());
    Files.createDirectories(overlay);
    String base = overlay.relativize(Prerequisites.PROJECT.resolve("webhook")).toString();
    String caBundle = Base64.getEncoder().encodeToString(Files.readAllBytes(pki.caCert()));
    Files.writeString(overlay.resolve("kustomization.yaml"), """
        apiVersion: kustomize.config.k8s.io/v1beta1
        kind: Kustomization
        resources:
          - %s
        patches:
          - target: {kind: MutatingWebhookConfiguration, name: triage}
            patch: |-
        %s
          - target: {kind: ValidatingWebhookConfiguration, name: triage}
            patch: |-
        %s
          - patch: |-
              $patch: delete
              apiVersion: apps/v1
              kind: Deployment
              metadata: {name: triage, namespace: triage-system}
          - patch: |-
              $patch: delete
              apiVersion: v1
              kind: Service
              metadata: {name: triage, namespace: triage-system}
          - patch: |-
              $patch: delete
              apiVersion: policy/v1
              kind: PodDisruptionBudget
              metadata: {name: triage, namespace: triage-system}
        """.formatted(base, urlPatch(triage.port(), "/mutate", caBundle), urlPatch(triage.port(), "/validate",
        caBundle)));
    Kubectl.Result applied = kubectl.run("apply", "-k", overlay.toString());
    assertTrue(applied.ok(), applied::printed);
  }

  private static String urlPatch(int port, String path, String caBundle) {
    String patch = """
        - op: remove
          path: /webhooks/0/clientConfig/service
        - op: add
          path: /webhooks/0/clientConfig/url
          value: https://127.0.0.1:%d%s
        - op: add
          path: /webhooks/0/clientConfig/caBundle
          value: %s
        """.formatted(port, path, caBundle);
    return patch.indent(6).stripTrailing();
  }
}
