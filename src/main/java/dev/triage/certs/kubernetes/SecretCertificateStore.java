package dev.triage.certs.kubernetes;

import dev.triage.certs.rotation.CertificateState;
import dev.triage.certs.rotation.CertificateStore;
import dev.triage.certs.rotation.ConflictException;
import dev.triage.certs.rotation.SecretData;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The state in a Secret, written only at the resourceVersion it was read at. */
public final class SecretCertificateStore implements CertificateStore {
  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final Clock clock;

  public SecretCertificateStore(KubernetesClient client, String namespace, String name, Clock clock) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
    this.clock = clock;
  }

  @Override
  public Optional<Versioned> read() {
    Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
    if (secret == null) {
      return Optional.empty();
    }
    Map<String, byte[]> data = new HashMap<>();
    if (secret.getData() != null) {
      secret.getData().forEach((key, value) -> data.put(key, Base64.getDecoder().decode(value)));
    }
    CertificateState state = SecretData.decode(namespace + "/" + name, data, clock);
    return Optional.of(new Versioned(state, secret.getMetadata().getResourceVersion()));
  }

  @Override
  public Versioned write(CertificateState state, Optional<String> expected) {
    Map<String, String> data = new HashMap<>();
    SecretData.encode(state).forEach((key, value) -> data.put(key, Base64.getEncoder().encodeToString(value)));
    Secret secret = new SecretBuilder()
        .withNewMetadata().withNamespace(namespace).withName(name).withResourceVersion(expected.orElse(null))
        .addToLabels("app.kubernetes.io/managed-by", "triage").endMetadata()
        .withType("Opaque")
        .withData(data)
        .build();
    try {
      Secret written = expected.isEmpty()
          ? client.secrets().inNamespace(namespace).resource(secret).create()
          : client.secrets().inNamespace(namespace).resource(secret).update();
      return new Versioned(state, written.getMetadata().getResourceVersion());
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        throw new ConflictException(namespace + "/" + name + " changed since it was read");
      }
      throw e;
    }
  }
}
