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
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** A real Triage HTTPS server on an ephemeral port, and a JDK client that trusts its CA. */
final class RunningServer implements AutoCloseable {
  final Vertx vertx = Vertx.vertx();
  final RuleSnapshot rules;
  final AdmissionServer server;
  final int port;
  final SSLContext trust;
  final ByteArrayOutputStream logs = new ByteArrayOutputStream();
  final Metrics metrics = new Metrics();

  RunningServer(Path rulesDir, Path certDir) throws Exception {
    this(rulesDir, certDir, ClusterView.EMPTY);
  }

  RunningServer(Path rulesDir, Path certDir, ClusterView cluster) throws Exception {
    Clock clock = Clock.systemUTC();
    DevCertificates.Paths certs = DevCertificates.ensure(certDir, clock);
    rules = RuleFiles.load(rulesDir, new RuleCompiler(new CelEnvironment()));
    Engine engine = new Engine(() -> rules, cluster, clock);
    DecisionLog log = new DecisionLog(new PrintStream(logs, true, StandardCharsets.UTF_8), clock);
    server = new AdmissionServer(vertx, new ReviewHandler(engine, log, metrics, clock), () -> true,
        new AdmissionServer.Config("127.0.0.1", 0, certs.cert(), certs.key()));
    port = server.start().await();
    trust = trusting(PemFiles.readCertificates(certs.caCert()).get(0));
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
