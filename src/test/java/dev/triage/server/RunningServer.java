package dev.triage.server;

import dev.triage.certs.DevCertificates;
import dev.triage.certs.PemFiles;
import dev.triage.cluster.ClusterView;
import dev.triage.rules.CelEnvironment;
import dev.triage.rules.Engine;
import dev.triage.rules.RuleCompiler;
import dev.triage.rules.RuleFiles;
import dev.triage.rules.RuleSnapshot;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** A real Triage HTTPS server on an ephemeral port, and a JDK client that trusts its CA. */
final class RunningServer implements AutoCloseable {
  final Vertx vertx = Vertx.vertx();
  /** The rules the server started with. */
  final RuleSnapshot rules;
  final AdmissionServer server;
  final int port;
  final SSLContext trust;
  final Path caCert;
  final ByteArrayOutputStream logs = new ByteArrayOutputStream();
  final Metrics metrics = new Metrics();

  RunningServer(Path rulesDir, Path certDir) throws Exception {
    this(rulesDir, certDir, ClusterView.EMPTY);
  }

  RunningServer(Path rulesDir, Path certDir, ClusterView cluster) throws Exception {
    this(rulesDir, certDir, cluster, null, Limits.DEFAULT);
  }

  /** A server that answers only clients with a certificate from {@code clientCa}, if given. */
  RunningServer(Path rulesDir, Path certDir, ClusterView cluster, Path clientCa, Limits limits) throws Exception {
    this(snapshot(rulesDir), certDir, cluster, clientCa, limits);
  }

  private static Supplier<RuleSnapshot> snapshot(Path rulesDir) {
    RuleSnapshot loaded = RuleFiles.load(rulesDir, new RuleCompiler(new CelEnvironment()));
    return () -> loaded;
  }

  /** A server whose engine reads its rules from {@code ruleSource} for every review. */
  RunningServer(Supplier<RuleSnapshot> ruleSource, Path certDir, ClusterView cluster, Path clientCa, Limits limits)
      throws Exception {
    Clock clock = Clock.systemUTC();
    DevCertificates.Paths certs = DevCertificates.ensure(certDir, clock);
    rules = ruleSource.get();
    Engine engine = new Engine(ruleSource, cluster, clock);
    DecisionLog log = new DecisionLog(new PrintStream(logs, true, StandardCharsets.UTF_8), clock);
    server = new AdmissionServer(vertx, new ReviewHandler(engine, log, metrics, clock), () -> true,
        new AdmissionServer.Config("127.0.0.1", 0, certs.cert(), certs.key(), clientCa, limits));
    port = server.start().await();
    caCert = certs.caCert();
    trust = trusting(PemFiles.readCertificates(caCert).get(0));
  }

  static SSLContext trusting(X509Certificate ca) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setCertificateEntry("ca", ca);
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }

  HttpClient client(HttpClient.Version version) {
    return HttpClient.newBuilder().sslContext(trust).version(version).connectTimeout(Duration.ofSeconds(5)).build();
  }

  URI uri(String pathAndQuery) {
    return URI.create("https://localhost:" + port + pathAndQuery);
  }

  HttpResponse<String> post(HttpClient client, String path, String contentType, byte[] body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  String logs() {
    return logs.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    server.close();
    vertx.close().await();
  }
}
