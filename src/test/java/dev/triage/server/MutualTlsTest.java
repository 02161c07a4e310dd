package dev.triage.server;

import static dev.triage.server.Reviews.bytes;
import static dev.triage.server.Reviews.pod;
import static dev.triage.server.Reviews.uid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.triage.certs.CertificateAuthority;
import dev.triage.certs.KeyAlgorithm;
import dev.triage.certs.PemFiles;
import dev.triage.cluster.ClusterView;
import java.io.IOException;
import java.math.BigInteger;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code --client-ca}, only callers presenting a certificate from that CA (the apiserver)
 * get reviews answered; probes stay reachable for the kubelet, which presents none.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MutualTlsTest {
  private static final String OK_POD = pod("x", "[{\"name\":\"a\",\"image\":\"x:1\"}]", "{\"team\":\"t\"}");

  RunningServer server;
  CertificateAuthority apiserverCa;
  CertificateAuthority strangerCa;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    Clock clock = Clock.systemUTC();
    apiserverCa = CertificateAuthority.create("apiserver client CA", Duration.ofDays(1), KeyAlgorithm.EC_P256, clock);
    strangerCa = CertificateAuthority.create("some other CA", Duration.ofDays(1), KeyAlgorithm.EC_P256, clock);
    Path clientCa = dir.resolve("client-ca.crt");
    PemFiles.writeCertificates(clientCa, List.of(apiserverCa.certificate()));
    server = new RunningServer(Path.of("src/test/resources/server-rules"), dir.resolve("serving"), ClusterView.EMPTY,
        clientCa, Limits.DEFAULT);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  /** A TLS client certificate (extendedKeyUsage clientAuth) for {@code name}, issued by {@code ca}. */
  private HttpClient clientWithCertificate(CertificateAuthority ca, String name) throws Exception {
    return clientWithCertificate(ca, name, false);
  }

  /** @param insist present the certificate even when the server asks for another CA's */
  private HttpClient clientWithCertificate(CertificateAuthority ca, String name, boolean insist) throws Exception {
    java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("EC");
    generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"), new SecureRandom());
    KeyPair keys = generator.generateKeyPair();
    Instant now = Instant.now();
    var builder = new JcaX509v3CertificateBuilder(ca.certificate(), BigInteger.valueOf(now.toEpochMilli()),
        Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofHours(1))), new X500Name("CN=" + name),
        keys.getPublic());
    builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
    X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(ca.privateKey())));
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("client", keys.getPrivate(), new char[0], new X509Certificate[] {certificate, ca.certificate()});
    KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(store, new char[0]);
    SSLContext context = SSLContext.getInstance("TLS");
    javax.net.ssl.KeyManager[] managers = keyManagers.getKeyManagers();
    if (insist) {
      managers = new javax.net.ssl.KeyManager[] {new Insisting((javax.net.ssl.X509KeyManager) managers[0])};
    }
    context.init(managers, trustManagers(), null);
    return HttpClient.newBuilder().sslContext(context).version(HttpClient.Version.HTTP_1_1).build();
  }

  private javax.net.ssl.TrustManager[] trustManagers() throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setCertificateEntry("ca", PemFiles.readCertificates(server.caCert).get(0));
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    return factory.getTrustManagers();
  }

  private HttpResponse<String> review(HttpClient client) throws Exception {
    return server.post(client, "/validate", "application/json", bytes(OK_POD.replace("\"x\"", "\"" + uid() + "\"")));
  }

  @Test
  void theApiserversCertificateIsAnswered() throws Exception {
    HttpResponse<String> response = review(clientWithCertificate(apiserverCa, "kube-apiserver"));
    assertEquals(200, response.statusCode(), response.body());
    assertTrue(response.body().contains("\"allowed\":true"), response.body());
  }

  @Test
  void aCallerWithoutACertificateIsRefused() throws Exception {
    HttpResponse<String> response = review(server.client(HttpClient.Version.HTTP_1_1));
    assertEquals(401, response.statusCode());
    assertTrue(response.body().startsWith("client certificate required"), response.body());
  }

  @Test
  void aCertificateFromAnotherCaIsNeverAnswered() throws Exception {
    HttpClient stranger = clientWithCertificate(strangerCa, "kube-apiserver");
    try {
      HttpResponse<String> response = review(stranger);
      assertEquals(401, response.statusCode(), "answered a caller the client CA did not sign");
    } catch (IOException e) {
      // the handshake failed on the presented certificate: refused too
    }
  }

  @Test
  void aPresentedCertificateFromAnotherCaFailsTheHandshake() throws Exception {
    HttpClient stranger = clientWithCertificate(strangerCa, "kube-apiserver", true);
    assertThrows(IOException.class, () -> review(stranger));
  }

  @Test
  void probesNeedNoCertificate() throws Exception {
    HttpResponse<String> ready = server.client(HttpClient.Version.HTTP_1_1)
        .send(HttpRequest.newBuilder(server.uri("/readyz")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, ready.statusCode());
  }

  /** Offers its one certificate whatever issuers the server asks for. */
  private static final class Insisting extends javax.net.ssl.X509ExtendedKeyManager {
    private final javax.net.ssl.X509KeyManager delegate;

    Insisting(javax.net.ssl.X509KeyManager delegate) {
      this.delegate = delegate;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, java.security.Principal[] issuers,
        javax.net.ssl.SSLEngine engine) {
      return "client";
    }

    @Override
    public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, java.net.Socket socket) {
      return "client";
    }

    @Override
    public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
      return new String[] {"client"};
    }

    @Override
    public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseServerAlias(String keyType, java.security.Principal[] issuers, java.net.Socket socket) {
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return delegate.getCertificateChain(alias);
    }

    @Override
    public java.security.PrivateKey getPrivateKey(String alias) {
      return delegate.getPrivateKey(alias);
    }
  }
}
