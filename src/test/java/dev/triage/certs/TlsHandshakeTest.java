package dev.triage.certs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The generated files work for a real TLS 1.3 connection with the JDK's own TLS stack. */
class TlsHandshakeTest {
  private static final String TLS_13 = "TLSv1.3";
  private static final char[] KEY_STORE_PASSWORD = "in-memory".toCharArray();
  private static final int TIMEOUT_MILLIS = 10_000;

  @TempDir
  Path dir;

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void clientTrustingTheCaCompletesTls13HandshakeWithServerUsingTheFiles(KeyAlgorithm alg) throws Exception {
    // The JDK checks validity against the real time, so the certificates must be issued for now.
    Clock clock = Clock.systemUTC();
    Files files = writeFiles(alg, clock);
    ServingCertificate serving = PemFiles.loadServingPair(files.cert(), files.key(), clock);
    X509Certificate ca = PemFiles.readCertificates(files.caCert()).get(0);

    try (SSLServerSocket server = listen(serverContext(serving))) {
      CompletableFuture<String> serverSide = CompletableFuture.supplyAsync(() -> echoOneByte(server));
      try (SSLSocket client = connect(clientContext(ca), server.getLocalPort(), "127.0.0.1")) {
        client.startHandshake();
        OutputStream out = client.getOutputStream();
        InputStream in = client.getInputStream();
        out.write(41);
        out.flush();
        assertEquals(42, in.read());

        assertEquals(TLS_13, client.getSession().getProtocol());
        assertEquals(serving.certificate(), client.getSession().getPeerCertificates()[0]);
      }
      assertEquals(TLS_13, serverSide.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS));
    }
  }

  @Test
  void clientRefusesServerWhenConnectingUnderANameNotInTheCertificate() throws Exception {
    Clock clock = Clock.systemUTC();
    Files files = writeFiles(KeyAlgorithm.DEFAULT, clock);
    ServingCertificate serving = PemFiles.loadServingPair(files.cert(), files.key(), clock);
    X509Certificate ca = PemFiles.readCertificates(files.caCert()).get(0);

    try (SSLServerSocket server = listen(serverContext(serving))) {
      CompletableFuture.runAsync(() -> echoOneByte(server));
      try (SSLSocket client = connect(clientContext(ca), server.getLocalPort(), "elsewhere.example")) {
        assertThrows(SSLHandshakeException.class, client::startHandshake);
      }
    }
  }

  private record Files(Path caCert, Path cert, Path key) {}

  private Files writeFiles(KeyAlgorithm alg, Clock clock) throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("Handshake test CA", Duration.ofDays(1), alg, clock);
    ServingCertificate serving =
        ca.issue(List.of("localhost"), List.of("127.0.0.1", "::1"), Duration.ofHours(1), alg);
    Files files = new Files(dir.resolve("ca.crt"), dir.resolve("tls.crt"), dir.resolve("tls.key"));
    PemFiles.writeCertificates(files.caCert(), List.of(ca.certificate()));
    PemFiles.writeCertificates(files.cert(), List.of(serving.certificate()));
    PemFiles.writePrivateKey(files.key(), serving.privateKey());
    return files;
  }

  private static SSLContext serverContext(ServingCertificate serving) throws Exception {
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    keyStore.load(null, null);
    keyStore.setKeyEntry("serving", serving.privateKey(), KEY_STORE_PASSWORD,
        serving.chain().toArray(Certificate[]::new));
    KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(keyStore, KEY_STORE_PASSWORD);
    SSLContext context = SSLContext.getInstance(TLS_13);
    context.init(keyManagers.getKeyManagers(), null, null);
    return context;
  }

  private static SSLContext clientContext(X509Certificate ca) throws Exception {
    KeyStore trustStore = KeyStore.getInstance("PKCS12");
    trustStore.load(null, null);
    trustStore.setCertificateEntry("ca", ca);
    TrustManagerFactory trustManagers = TrustManagerFactory.getInstance("PKIX");
    trustManagers.init(trustStore);
    SSLContext context = SSLContext.getInstance(TLS_13);
    context.init(null, trustManagers.getTrustManagers(), null);
    return context;
  }

  private static SSLServerSocket listen(SSLContext context) throws Exception {
    SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory()
        .createServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
    server.setEnabledProtocols(new String[] {TLS_13});
    server.setSoTimeout(TIMEOUT_MILLIS);
    return server;
  }

  /** Connects to 127.0.0.1 while verifying the certificate against {@code peerName}, as HTTPS clients do. */
  private static SSLSocket connect(SSLContext context, int port, String peerName) throws Exception {
    Socket plain = new Socket(InetAddress.getByName("127.0.0.1"), port);
    plain.setSoTimeout(TIMEOUT_MILLIS);
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, peerName, port, true);
    socket.setEnabledProtocols(new String[] {TLS_13});
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    socket.setSSLParameters(parameters);
    return socket;
  }

  private static String echoOneByte(SSLServerSocket server) {
    try (SSLSocket socket = (SSLSocket) server.accept()) {
      socket.setSoTimeout(TIMEOUT_MILLIS);
      socket.startHandshake();
      int received = socket.getInputStream().read();
      socket.getOutputStream().write(received + 1);
      socket.getOutputStream().flush();
      return socket.getSession().getProtocol();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
