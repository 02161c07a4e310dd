package dev.triage.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.nio.file.Files;
import java.util.Base64;

/**
 * The least a webhook can be, for the end-to-end latency report: an HTTPS server that allows
 * every review without reading it beyond its uid, registered as a mutating and a validating
 * webhook for Deployments in namespaces labelled {@code triage-e2e/floor=true}. What the API
 * server spends on calling two webhooks at all, so Triage's own share can be read off.
 */
final class FloorWebhook implements AutoCloseable {
  static final String NAMESPACE_LABEL = "triage-e2e/floor=true";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Vertx vertx = Vertx.vertx();
  private final Kubectl kubectl;

  private FloorWebhook(Kubectl kubectl) {
    this.kubectl = kubectl;
  }

  static FloorWebhook register(Kubectl kubectl, Pki pki) throws Exception {
    FloorWebhook floor = new FloorWebhook(kubectl);
    int port = floor.vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setSsl(true)
            .setUseAlpn(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(pki.cert().toString())
                .setKeyPath(pki.key().toString())))
        .requestHandler(request -> request.body().onSuccess(body -> {
          String answer;
          try {
            String uid = JSON.readTree(body.getBytes()).path("request").path("uid").asText();
            answer = "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"response\":{\"uid\":"
                + JSON.writeValueAsString(uid) + ",\"allowed\":true}}";
          } catch (java.io.IOException e) {
            request.response().setStatusCode(400).end();
            return;
          }
          request.response().putHeader("Content-Type", "application/json").end(Buffer.buffer(answer));
        }))
        .listen().await().actualPort();
    String caBundle = Base64.getEncoder().encodeToString(Files.readAllBytes(pki.caCert()));
    String webhook = """
          - name: %1$s.floor.triage-e2e.dev
            admissionReviewVersions: ["v1"]
            sideEffects: None
            failurePolicy: Fail
            clientConfig:
              url: https://127.0.0.1:%2$d/%1$s
              caBundle: %3$s
            namespaceSelector:
              matchLabels:
                triage-e2e/floor: "true"
            rules:
              - apiGroups: ["apps"]
                apiVersions: ["v1"]
                operations: ["CREATE"]
                resources: ["deployments"]
        """;
    Kubectl.Result applied = kubectl.withInput("""
        apiVersion: admissionregistration.k8s.io/v1
        kind: MutatingWebhookConfiguration
        metadata:
          name: triage-e2e-floor
        webhooks:
        %s
        ---
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingWebhookConfiguration
        metadata:
          name: triage-e2e-floor
        webhooks:
        %s
        """.formatted(webhook.formatted("mutate", port, caBundle), webhook.formatted("validate", port, caBundle)),
        "apply", "-f", "-");
    assertTrue(applied.ok(), applied::printed);
    return floor;
  }

  @Override
  public void close() {
    kubectl.run("delete", "mutatingwebhookconfiguration/triage-e2e-floor",
        "validatingwebhookconfiguration/triage-e2e-floor", "--ignore-not-found");
    vertx.close().await();
  }
}
