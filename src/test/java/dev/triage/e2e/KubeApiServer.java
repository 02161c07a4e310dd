package dev.triage.e2e;

import dev.triage.certs.DevCertificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * etcd and a real kube-apiserver (v1.20.2) on loopback: one shared by the test JVM ({@link #get}),
 * or a private one a test may stop ({@link #start}). Two identities: an administrator (for kubectl, as a user would drive it) and
 * Triage's service account, whose only rights are those {@code webhook/rbac.yaml} grants.
 */
final class KubeApiServer implements AutoCloseable {
  static final String TRIAGE_USER = "system:serviceaccount:triage-system:triage";
  private static KubeApiServer running;

  final Path dir;
  final Path adminKubeconfig;
  final Path triageKubeconfig;
  /** A user no RBAC rule names. */
  final Path unboundKubeconfig;
  final Path caCert;
  final int port;
  private final List<Process> processes = new ArrayList<>();

  private KubeApiServer(Path dir, int port) {
    this.dir = dir;
    this.port = port;
    this.adminKubeconfig = dir.resolve("admin.kubeconfig");
    this.triageKubeconfig = dir.resolve("triage.kubeconfig");
    this.unboundKubeconfig = dir.resolve("unbound.kubeconfig");
    this.caCert = dir.resolve("pki/ca.crt");
  }

  /** The shared instance, started on first use. */
  static synchronized KubeApiServer get() throws Exception {
    if (running == null) {
      running = start();
    }
    return running;
  }

  /** A new etcd and API server, stopped by {@link #close} or when the JVM exits. */
  static KubeApiServer start() throws Exception {
    Path apiserver = Prerequisites.kubeApiServer();
    Path etcd = Prerequisites.onPath("etcd");
    Prerequisites.onPath("kubectl");
    Path dir = Files.createTempDirectory("triage-e2e-apiserver");
    KubeApiServer server = new KubeApiServer(dir, freePort());
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    server.start(apiserver, etcd);
    server.labelControlPlaneNamespaces();
    return server;
  }

  private void start(Path apiserver, Path etcd) throws Exception {
    DevCertificates.Paths pki = DevCertificates.ensure(dir.resolve("pki"), Clock.systemUTC());
    Files.writeString(dir.resolve("tokens.csv"), "admin-token,admin,admin,system:masters\n"
        + "unbound-token,unbound,unbound,\n"
        + "triage-token," + TRIAGE_USER + ",triage,\"system:serviceaccounts,system:serviceaccounts:triage-system\"\n");
    writeKubeconfig(adminKubeconfig, "admin-token");
    writeKubeconfig(triageKubeconfig, "triage-token");
    writeKubeconfig(unboundKubeconfig, "unbound-token");

    int etcdPort = freePort();
    int peerPort = freePort();
    launch("etcd", List.of(etcd.toString(), "--name=e2e", "--data-dir=" + dir.resolve("etcd"),
        "--listen-client-urls=http://127.0.0.1:" + etcdPort, "--advertise-client-urls=http://127.0.0.1:" + etcdPort,
        "--listen-peer-urls=http://127.0.0.1:" + peerPort,
        "--initial-advertise-peer-urls=http://127.0.0.1:" + peerPort,
        "--initial-cluster=e2e=http://127.0.0.1:" + peerPort));
    launch("kube-apiserver", List.of(apiserver.toString(),
        "--etcd-servers=http://127.0.0.1:" + etcdPort,
        "--bind-address=127.0.0.1", "--advertise-address=127.0.0.1",
        "--secure-port=" + port, "--insecure-port=0",
        "--cert-dir=" + dir.resolve("apiserver-certs"),
        "--tls-cert-file=" + pki.cert(), "--tls-private-key-file=" + pki.key(),
        "--token-auth-file=" + dir.resolve("tokens.csv"),
        "--authorization-mode=RBAC",
        // As on clusters that run privileged system pods: a privileged Pod is Triage's to refuse.
        "--allow-privileged=true",
        "--service-account-issuer=https://kubernetes.default.svc",
        "--service-account-key-file=" + pki.cert(), "--service-account-signing-key-file=" + pki.key(),
        "--service-cluster-ip-range=10.0.0.0/24",
        // No controller manager runs here to create service accounts, so Pods are admitted
        // without the ServiceAccount plugin.
        "--enable-admission-plugins=NamespaceLifecycle,MutatingAdmissionWebhook,ValidatingAdmissionWebhook",
        "--disable-admission-plugins=ServiceAccount"));
    awaitReady();
  }

  /**
   * Kubernetes 1.21 and later label every namespace with its name
   * ({@code kubernetes.io/metadata.name}), which the webhook registrations' namespaceSelector
   * relies on; v1.20 does not, so the control plane's namespaces are labelled here as a newer
   * API server would have labelled them.
   */
  private void labelControlPlaneNamespaces() {
    Kubectl kubectl = new Kubectl(this);
    for (String namespace : List.of("kube-system", "kube-public", "kube-node-lease", "default")) {
      Kubectl.Result labelled = kubectl.run("label", "--overwrite", "namespace", namespace,
          "kubernetes.io/metadata.name=" + namespace);
      if (!labelled.ok()) {
        throw new IllegalStateException("cannot label namespace " + namespace + ": " + labelled.printed());
      }
    }
  }

  private void launch(String name, List<String> command) throws IOException {
    Process process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile())
        .start();
    processes.add(process);
  }

  private void awaitReady() throws Exception {
    Https.awaitOk(Https.trusting(caCert),
        Https.get("https://127.0.0.1:" + port + "/readyz", "Authorization", "Bearer admin-token"),
        Duration.ofSeconds(60), () -> {
          for (Process process : processes) {
            if (!process.isAlive()) {
              throw new IllegalStateException("a control-plane process exited; see " + dir + "/*.log");
            }
          }
        }, "kube-apiserver not ready (see " + dir + "/kube-apiserver.log)");
  }

  private void writeKubeconfig(Path file, String token) throws IOException {
    Files.writeString(file, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: e2e
          cluster:
            server: https://127.0.0.1:%d
            certificate-authority: %s
        users:
        - name: user
          user:
            token: %s
        contexts:
        - name: e2e
          context: {cluster: e2e, user: user}
        current-context: e2e
        """.formatted(port, caCert, token));
  }

  @Override
  public synchronized void close() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).destroy();
    }
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static SSLContext trusting(Path caPem) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (var in = Files.newInputStream(caPem)) {
      X509Certificate ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      trust.setCertificateEntry("ca", ca);
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }
}
