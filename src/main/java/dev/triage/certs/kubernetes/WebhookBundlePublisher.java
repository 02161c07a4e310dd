package dev.triage.certs.kubernetes;

import dev.triage.certs.PemFiles;
import dev.triage.certs.rotation.BundlePublisher;
import dev.triage.certs.rotation.ConflictException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The {@code caBundle} of every webhook in one ValidatingWebhookConfiguration and one
 * MutatingWebhookConfiguration. Each carries the bundle generation in an annotation, and is only
 * ever updated to a newer generation, at the resourceVersion it was read at.
 */
public final class WebhookBundlePublisher implements BundlePublisher {
  static final String GENERATION = "triage.dev/ca-bundle-generation";

  private final KubernetesClient client;
  private final Optional<String> validating;
  private final Optional<String> mutating;

  /** Either name may be empty when that configuration is not used. */
  public WebhookBundlePublisher(KubernetesClient client, Optional<String> validating, Optional<String> mutating) {
    this.client = client;
    this.validating = validating;
    this.mutating = mutating;
  }

  @Override
  public long publishedGeneration() {
    long lowest = Long.MAX_VALUE;
    if (validating.isPresent()) {
      lowest = Math.min(lowest, generation(validatingConfiguration(validating.get())));
    }
    if (mutating.isPresent()) {
      lowest = Math.min(lowest, generation(mutatingConfiguration(mutating.get())));
    }
    return lowest == Long.MAX_VALUE ? 0 : lowest;
  }

  @Override
  public void publish(List<X509Certificate> bundle, long generation) {
    byte[] pem = PemFiles.encodeCertificates(bundle);
    try {
      if (validating.isPresent()) {
        ValidatingWebhookConfiguration config = validatingConfiguration(validating.get());
        if (generation(config) < generation) {
          for (ValidatingWebhook webhook : config.getWebhooks()) {
            webhook.getClientConfig().setCaBundle(Base64.getEncoder().encodeToString(pem));
          }
          config.getMetadata().getAnnotations().put(GENERATION, Long.toString(generation));
          client.admissionRegistration().v1().validatingWebhookConfigurations().resource(config).update();
        }
      }
      if (mutating.isPresent()) {
        MutatingWebhookConfiguration config = mutatingConfiguration(mutating.get());
        if (generation(config) < generation) {
          for (MutatingWebhook webhook : config.getWebhooks()) {
            webhook.getClientConfig().setCaBundle(Base64.getEncoder().encodeToString(pem));
          }
          config.getMetadata().getAnnotations().put(GENERATION, Long.toString(generation));
          client.admissionRegistration().v1().mutatingWebhookConfigurations().resource(config).update();
        }
      }
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        throw new ConflictException("a webhook configuration changed while its caBundle was being published");
      }
      throw e;
    }
  }

  private ValidatingWebhookConfiguration validatingConfiguration(String name) {
    ValidatingWebhookConfiguration config =
        client.admissionRegistration().v1().validatingWebhookConfigurations().withName(name).get();
    if (config == null) {
      throw new IllegalStateException("ValidatingWebhookConfiguration " + name + " does not exist; create it"
          + " (without caBundle) or pass the right --validating-webhook name");
    }
    return config;
  }

  private MutatingWebhookConfiguration mutatingConfiguration(String name) {
    MutatingWebhookConfiguration config =
        client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(name).get();
    if (config == null) {
      throw new IllegalStateException("MutatingWebhookConfiguration " + name + " does not exist; create it"
          + " (without caBundle) or pass the right --mutating-webhook name");
    }
    return config;
  }

  private static long generation(HasMetadata config) {
    if (config.getMetadata().getAnnotations() == null) {
      config.getMetadata().setAnnotations(new java.util.HashMap<>());
    }
    String value = config.getMetadata().getAnnotations().get(GENERATION);
    try {
      return value == null ? 0 : Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      return 0; // an unreadable mark is treated as never published, so the bundle is written again
    }
  }
}
