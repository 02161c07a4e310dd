package dev.triage.server;

import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * What a client like the apiserver trusts: the CAs currently published as the webhook's
 * {@code caBundle}. Every handshake is checked against the bundle as published at that moment,
 * including the host name, and counted.
 */
final class PublishedBundle extends X509ExtendedTrustManager {
  private volatile X509ExtendedTrustManager current;
  final AtomicInteger handshakes = new AtomicInteger();
  final AtomicInteger refused = new AtomicInteger();
  final Set<X509Certificate> presented = ConcurrentHashMap.newKeySet();

  PublishedBundle(List<X509Certificate> cas) throws Exception {
    publish(cas);
  }

  void publish(List<X509Certificate> cas) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    for (int i = 0; i < cas.size(); i++) {
      store.setCertificateEntry("ca" + i, cas.get(i));
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
    factory.init(store);
    current = (X509ExtendedTrustManager) factory.getTrustManagers()[0];
  }

  /** A fresh context, so that its first connection performs a full handshake. */
  SSLContext context() throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {this}, null);
    return context;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    handshakes.incrementAndGet();
    try {
      current.checkServerTrusted(chain, authType, engine);
    } catch (CertificateException | RuntimeException e) {
      refused.incrementAndGet();
      throw e;
    }
    presented.add(chain[0]);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw new CertificateException("only SSLEngine clients are expected");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("only SSLEngine clients are expected");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException("a client never checks clients");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw new CertificateException("a client never checks clients");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("a client never checks clients");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return current.getAcceptedIssuers();
  }
}
