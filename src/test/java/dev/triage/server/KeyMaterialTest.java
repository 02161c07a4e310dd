package dev.triage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The serving certificate reaches every client that can use it, whatever its key (ECDSA, as Triage
 * makes them, or RSA, as cert-manager does by default) and whichever TLS version the client speaks,
 * and a new certificate is presented from the next handshake on.
 */
class KeyMaterialTest {
  private static final Clock CLOCK = Clock.systemUTC();
  private static final CertificateAuthority CA =
      CertificateAuthority.create("test CA", Duration.ofDays(2), KeyAlgorithm.EC_P256, CLOCK);

  @ParameterizedTest
  @EnumSource(value = KeyAlgorithm.class, names = {"EC_P256", "RSA_2048"})
  void aCertificateOfEitherKeyIsPresentedOverTls12And13(KeyAlgorithm algorithm, @TempDir Path dir) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      ServingCertificate serving = issue(algorithm);
      AdmissionServer server = server(vertx, dir, serving);
      int port = server.start().await();
      for (String protocol : List.of("TLSv1.2", "TLSv1.3")) {
        assertEquals(serving.certificate(), presented(port, protocol), algorithm + " over " + protocol);
      }
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void aNewCertificateIsPresentedFromTheNextHandshake(@TempDir Path dir) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      AdmissionServer server = server(vertx, dir, issue(KeyAlgorithm.EC_P256));
      int port = server.start().await();
      ServingCertificate next = issue(KeyAlgorithm.RSA_2048);
      assertTrue(server.useCertificate(next).await());
      assertEquals(next.certificate(), presented(port, "TLSv1.3"));
      assertEquals(next.certificate(), presented(port, "TLSv1.2"));
    } finally {
      vertx.close().await();
    }
  }

  private static ServingCertificate issue(KeyAlgorithm algorithm) {
    return CA.issue(List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1), algorithm);
  }

  private static AdmissionServer server(Vertx vertx, Path dir, ServingCertificate serving) throws Exception {
    Path cert = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    PemFiles.writeCertificates(cert, serving.chain());
    PemFiles.writePrivateKey(key, serving.privateKey());
    Path rules = Files.createDirectories(dir.resolve("rules"));
    RuleSnapshot none = RuleFiles.load(rules, new RuleCompiler(new CelEnvironment()));
    ReviewHandler handler = new ReviewHandler(new Engine(() -> none, ClusterView.EMPTY, CLOCK),
        new DecisionLog(new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8), CLOCK), CLOCK);
    return new AdmissionServer(vertx, handler, () -> true, new AdmissionServer.Config("127.0.0.1", 0, cert, key));
  }

  /** The certificate a client speaking only {@code protocol} is shown, once /healthz has answered 200. */
  private static X509Certificate presented(int port, String protocol) throws Exception {
    try (SSLSocket socket = (SSLSocket) RunningServer.trusting(CA.certificate()).getSocketFactory()
        .createSocket("127.0.0.1", port)) {
      socket.setEnabledProtocols(new String[] {protocol});
      socket.startHandshake();
      assertEquals(protocol, socket.getSession().getProtocol());
      socket.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
      return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
  }
}
