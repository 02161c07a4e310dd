package dev.triage.cli;

import dev.triage.certs.PemFiles;
import dev.triage.certs.ServingCertificate;
import dev.triage.certs.kubernetes.SecretCertificateStore;
import dev.triage.certs.kubernetes.WebhookBundlePublisher;
import dev.triage.certs.rotation.Rotation;
import dev.triage.certs.rotation.RotationPolicy;
import dev.triage.certs.rotation.SelfManagedCertificates;
import dev.triage.server.ServingTls;
import dev.triage.server.TlsLog;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Option;

/**
 * {@code serve --self-managed}: Triage keeps its CA and serving certificate in a Secret, renews them,
 * and publishes the CA in the webhook configurations' {@code caBundle}.
 */
final class SelfManagedOptions {
  private static final Path SERVICE_ACCOUNT_NAMESPACE = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

  @Option(names = "--self-managed", description = "keep CA and serving certificate in a Secret, renew them and"
      + " publish the caBundle (needs get/create/update on the Secret and get/update on the webhook configurations)")
  boolean enabled;

  @Option(names = "--secret", defaultValue = "triage-tls",
      description = "with --self-managed: the Secret holding the certificates (default: ${DEFAULT-VALUE})")
  String secret;

  @Option(names = "--namespace", description = "with --self-managed: namespace of the Secret and Service"
      + " (default: the pod's own namespace)")
  String namespace;

  @Option(names = "--service", defaultValue = "triage",
      description = "with --self-managed: the webhook Service; the certificate names <service>.<namespace>.svc"
          + " (default: ${DEFAULT-VALUE})")
  String service;

  @Option(names = "--validating-webhook", description = "with --self-managed: ValidatingWebhookConfiguration whose"
      + " caBundle Triage keeps")
  String validatingWebhook;

  @Option(names = "--mutating-webhook", description = "with --self-managed: MutatingWebhookConfiguration whose"
      + " caBundle Triage keeps")
  String mutatingWebhook;

  @Option(names = "--sync-seconds", defaultValue = "10",
      description = "with --self-managed: how often the Secret is read and rotation steps taken (default: ${DEFAULT-VALUE})")
  int syncSeconds;

  private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "triage-self-managed-certificates");
    thread.setDaemon(true);
    return thread;
  });
  private KubernetesClient client;
  private SelfManagedCertificates certificates;
  private volatile ServingTls tls;
  private volatile ServingCertificate initial;
  private volatile List<X509Certificate> initialBundle = List.of();
  private TlsLog log;

  /**
   * Reads or creates the certificates and writes the serving pair to a private temporary directory
   * for the server to start with; returns that directory.
   */
  Path prepare(TlsLog log, Clock clock) throws IOException {
    this.log = log;
    String ns = namespace != null ? namespace : podNamespace();
    List<String> names = List.of(service + "." + ns + ".svc", service + "." + ns + ".svc.cluster.local");
    client = new KubernetesClientBuilder().build();
    certificates = new SelfManagedCertificates(new SecretCertificateStore(client, ns, secret, clock),
        new WebhookBundlePublisher(client, Optional.ofNullable(validatingWebhook), Optional.ofNullable(mutatingWebhook)),
        new Rotation(RotationPolicy.defaults(names), clock), new Listener());
    certificates.reconcile();
    Path dir = Files.createTempDirectory("triage-tls",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    PemFiles.writeCertificates(dir.resolve("tls.crt"), List.of(initial.certificate()));
    PemFiles.writePrivateKey(dir.resolve("tls.key"), initial.privateKey());
    dir.resolve("tls.crt").toFile().deleteOnExit();
    dir.resolve("tls.key").toFile().deleteOnExit();
    dir.toFile().deleteOnExit();
    return dir;
  }

  /** From now on new serving certificates go to {@code tls}; reconciles every --sync-seconds. */
  void follow(ServingTls tls) {
    this.tls = tls;
    tls.use("self-managed", initial, initialBundle);
    loop.scheduleWithFixedDelay(() -> {
      try {
        certificates.reconcile();
      } catch (RuntimeException e) {
        // The cluster may be briefly unreachable; the certificate in use stays and the next round retries.
        log.rotation("cannot reconcile certificates: " + e.getMessage());
      }
    }, syncSeconds, syncSeconds, TimeUnit.SECONDS);
  }

  void close() {
    loop.shutdownNow();
    if (client != null) {
      client.close();
    }
  }

  private final class Listener implements SelfManagedCertificates.Listener {
    @Override
    public void serve(ServingCertificate serving, List<X509Certificate> bundle) {
      initial = serving;
      initialBundle = new ArrayList<>(bundle);
      ServingTls current = tls;
      if (current != null) {
        current.use("self-managed", serving, new ArrayList<>(bundle));
      }
    }

    @Override
    public void event(String message) {
      log.rotation(message);
    }
  }

  private static String podNamespace() throws IOException {
    if (Files.exists(SERVICE_ACCOUNT_NAMESPACE)) {
      return Files.readString(SERVICE_ACCOUNT_NAMESPACE).strip();
    }
    String env = System.getenv("POD_NAMESPACE");
    if (env != null && !env.isBlank()) {
      return env.strip();
    }
    throw new IOException("cannot tell which namespace this pod runs in; pass --namespace");
  }
}
