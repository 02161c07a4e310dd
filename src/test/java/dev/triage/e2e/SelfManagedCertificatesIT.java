package dev.triage.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.triage.certs.KeyAlgorithm;
import dev.triage.certs.PemFiles;
import dev.triage.certs.ServingCertificate;
import dev.triage.certs.kubernetes.SecretCertificateStore;
import dev.triage.certs.kubernetes.WebhookBundlePublisher;
import dev.triage.certs.rotation.CertificateState;
import dev.triage.certs.rotation.CertificateStore;
import dev.triage.certs.rotation.ConflictException;
import dev.triage.certs.rotation.MutableClock;
import dev.triage.certs.rotation.Rotation;
import dev.triage.certs.rotation.RotationPolicy;
import dev.triage.certs.rotation.SelfManagedCertificates;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two replicas rotating certificates through a real kube-apiserver: the Secret written with
 * resourceVersion preconditions, the caBundle of a real Validating- and MutatingWebhookConfiguration.
 * Time is simulated (the rotation rules read an injected clock; the apiserver never looks at
 * certificate validity), so hours of renewals and CA rollovers take seconds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SelfManagedCertificatesIT {
  private static final String NAMESPACE = "certs-it";
  private static final Duration TICK = Duration.ofSeconds(20);
  private static final RotationPolicy POLICY = new RotationPolicy(List.of("triage.certs-it.svc"), Duration.ofHours(3),
      Duration.ofMinutes(45), Duration.ofMinutes(1), Duration.ofMinutes(2), KeyAlgorithm.DEFAULT);

  private final List<KubernetesClient> clients = new ArrayList<>();
  private final ExecutorService threads = Executors.newFixedThreadPool(2);
  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  private KubeApiServer apiServer;
  private KubernetesClient admin;

  @BeforeAll
  void cluster() throws Exception {
    apiServer = KubeApiServer.get();
    admin = client();
    admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .serverSideApply();
  }

  @AfterAll
  void close() {
    threads.shutdownNow();
    clients.forEach(KubernetesClient::close);
  }

  private KubernetesClient client() throws Exception {
    KubernetesClient client = new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(apiServer.adminKubeconfig.toFile())).build();
    clients.add(client);
    return client;
  }

  /** Webhook configurations that match nothing the tests create, only there to carry a caBundle. */
  private void createWebhookConfigurations(String name) {
    admin.admissionRegistration().v1().validatingWebhookConfigurations().resource(
        new ValidatingWebhookConfigurationBuilder().withNewMetadata().withName(name).endMetadata()
            .addNewWebhook().withName("validate.certs-it.triage.dev").withNewClientConfig()
            .withUrl("https://127.0.0.1:1/validate").endClientConfig()
            .addNewRule().withApiGroups("certs-it.triage.dev").withApiVersions("v1").withResources("nothings")
            .withOperations("CREATE").endRule()
            .withFailurePolicy("Ignore").withSideEffects("None").withAdmissionReviewVersions("v1").endWebhook()
            .build()).create();
    admin.admissionRegistration().v1().mutatingWebhookConfigurations().resource(
        new MutatingWebhookConfigurationBuilder().withNewMetadata().withName(name).endMetadata()
            .addNewWebhook().withName("mutate.certs-it.triage.dev").withNewClientConfig()
            .withUrl("https://127.0.0.1:1/mutate").endClientConfig()
            .addNewRule().withApiGroups("certs-it.triage.dev").withApiVersions("v1").withResources("nothings")
            .withOperations("CREATE").endRule()
            .withFailurePolicy("Ignore").withSideEffects("None").withAdmissionReviewVersions("v1").endWebhook()
            .build()).create();
  }

  /** The CAs both configurations hold: what the apiserver trusts when calling either webhook. */
  private List<X509Certificate> published(String name) {
    String validating = admin.admissionRegistration().v1().validatingWebhookConfigurations().withName(name).get()
        .getWebhooks().get(0).getClientConfig().getCaBundle();
    String mutating = admin.admissionRegistration().v1().mutatingWebhookConfigurations().withName(name).get()
        .getWebhooks().get(0).getClientConfig().getCaBundle();
    if (validating == null || mutating == null) {
      return List.of();
    }
    List<X509Certificate> both = new ArrayList<>(PemFiles.parseCertificates("caBundle", Base64.getDecoder().decode(validating)));
    both.retainAll(PemFiles.parseCertificates("caBundle", Base64.getDecoder().decode(mutating)));
    return both;
  }

  /** A replica with its own client, as a separate pod would have. */
  private final class Replica implements SelfManagedCertificates.Listener {
    final SelfManagedCertificates certificates;
    final AtomicInteger conflicts = new AtomicInteger();
    volatile X509Certificate serving;

    Replica(String name) throws Exception {
      KubernetesClient client = client();
      certificates = new SelfManagedCertificates(new SecretCertificateStore(client, NAMESPACE, name, clock),
          new WebhookBundlePublisher(client, Optional.of(name), Optional.of(name)), new Rotation(POLICY, clock), this);
    }

    @Override
    public void serve(ServingCertificate certificate, List<X509Certificate> bundle) {
      serving = certificate.certificate();
    }

    @Override
    public void event(String message) {
      if (message.startsWith("another replica")) {
        conflicts.incrementAndGet();
      }
    }
  }

  @Test
  void twoReplicasRaceThroughRenewalsAndCaRolloversAndWhatTheyServeIsAlwaysTrusted() throws Exception {
    String name = "race";
    createWebhookConfigurations(name);
    List<Replica> replicas = List.of(new Replica(name), new Replica(name));
    Set<X509Certificate> cas = new HashSet<>();
    Set<X509Certificate> served = new HashSet<>();
    int ticks = (int) Duration.ofHours(7).dividedBy(TICK);
    for (int tick = 0; tick < ticks; tick++) {
      List<Callable<Object>> rounds = new ArrayList<>();
      for (Replica replica : replicas) {
        rounds.add(() -> replica.certificates.reconcile());
      }
      for (Future<Object> round : threads.invokeAll(rounds)) {
        round.get();
      }
      List<X509Certificate> trusted = published(name);
      for (Replica replica : replicas) {
        assertTrue(trustedAt(replica.serving, trusted, clock.instant()), "at " + clock.instant()
            + " a replica serves a certificate the published caBundle does not trust");
        served.add(replica.serving);
      }
      cas.addAll(trusted);
      clock.advance(TICK);
    }
    int conflicts = replicas.stream().mapToInt(r -> r.conflicts.get()).sum();
    System.out.printf("self-managed rotation against kube-apiserver: %d rounds x 2 replicas, %d CAs, %d serving"
        + " certificates, %d conflicts lost%n", ticks, cas.size(), served.size(), conflicts);
    assertTrue(cas.size() >= 3, "CAs published: " + cas.size());
    assertTrue(served.size() >= 8, "serving certificates: " + served.size());
    assertEquals(replicas.get(0).serving, replicas.get(1).serving);
  }

  @Test
  void aWriteAtAnOldResourceVersionIsAConflictAndAnOlderBundleNeverReplacesANewerOne() throws Exception {
    String name = "versions";
    createWebhookConfigurations(name);
    Replica replica = new Replica(name);
    replica.certificates.reconcile();
    SecretCertificateStore store = new SecretCertificateStore(client(), NAMESPACE, name, clock);
    CertificateStore.Versioned read = store.read().orElseThrow();
    CertificateState s = read.state();
    // A changed state: an identical one would leave the resourceVersion as it was.
    store.write(new CertificateState(s.ca(), s.nextCa(), s.bundle(), s.bundleGeneration(),
        Optional.of(clock.instant().plusSeconds(1)), s.serving(), s.switchedAt()), Optional.of(read.version()));

    assertThrows(ConflictException.class, () -> store.write(read.state(), Optional.of(read.version())));
    assertThrows(ConflictException.class, () -> store.write(read.state(), Optional.empty()));

    WebhookBundlePublisher publisher = new WebhookBundlePublisher(client(), Optional.of(name), Optional.of(name));
    long generation = publisher.publishedGeneration();
    List<X509Certificate> current = published(name);
    publisher.publish(List.of(replica.serving), generation - 1);
    assertEquals(current, published(name));
    assertEquals(generation, publisher.publishedGeneration());
  }

  private static boolean trustedAt(X509Certificate leaf, List<X509Certificate> cas, Instant now) {
    for (X509Certificate ca : cas) {
      try {
        leaf.verify(ca.getPublicKey());
        leaf.checkValidity(java.util.Date.from(now));
        return true;
      } catch (GeneralSecurityException e) {
        // the next CA
      }
    }
    return false;
  }
}
