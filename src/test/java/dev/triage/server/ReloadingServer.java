package dev.triage.server;

import dev.triage.certs.CertificateAuthority;
import dev.triage.certs.KeyAlgorithm;
import dev.triage.certs.PemFiles;
import dev.triage.certs.ServingCertificate;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Triage server whose certificate comes from a Secret-like volume and is followed by a
 * {@link CertificateFileWatcher}, as {@code serve --cert --key} runs in a pod.
 */
final class ReloadingServer implements AutoCloseable {
  final Vertx vertx = Vertx.vertx();
  final SecretVolume volume;
  final AdmissionServer server;
  final ServingTls tls;
  final CertificateFileWatcher watcher;
  final int port;
  private final ByteArrayOutputStream logs = new ByteArrayOutputStream();

  ReloadingServer(Path dir, CertificateAuthority ca, Clock clock) throws Exception {
    volume = new SecretVolume(dir);
    volume.publish(files(ca.issue(List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1), KeyAlgorithm.DEFAULT),
        List.of(ca.certificate())));
    RuleSnapshot rules = RuleFiles.load(Path.of("src/test/resources/server-rules"),
        new RuleCompiler(new CelEnvironment()));
    PrintStream log = new PrintStream(logs, true, StandardCharsets.UTF_8);
    Engine engine = new Engine(() -> rules, ClusterView.EMPTY, clock);
    server = new AdmissionServer(vertx, new ReviewHandler(engine, new DecisionLog(log, clock), clock), () -> true,
        new AdmissionServer.Config("127.0.0.1", 0, volume.file("tls.crt"), volume.file("tls.key")));
    port = server.start().await();
    tls = new ServingTls(server, new TlsLog(log, clock), clock);
    server.readinessCheck(tls);
    watcher = new CertificateFileWatcher(volume.file("tls.crt"), volume.file("tls.key"),
        Optional.of(volume.file("ca.crt")), tls, clock);
    watcher.reload();
  }

  static Map<String, byte[]> files(ServingCertificate serving, List<X509Certificate> cas) {
    return Map.of(
        "tls.crt", PemFiles.encodeCertificates(List.of(serving.certificate())),
        "tls.key", PemFiles.encodePrivateKey(serving.privateKey()),
        "ca.crt", PemFiles.encodeCertificates(cas));
  }

  X509Certificate served() {
    return tls.current().orElseThrow().serving().certificate();
  }

  URI uri(String path) {
    return URI.create("https://localhost:" + port + path);
  }

  String logs() {
    return logs.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    watcher.close();
    server.close();
    vertx.close().await();
  }
}
