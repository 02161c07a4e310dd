package dev.triage.server;

import dev.triage.certs.ServingCertificate;
import io.netty.handler.ssl.OpenSslCachingX509KeyManagerFactory;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import java.net.Socket;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.KeyManagerFactorySpi;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A serving certificate as the TLS engine takes it: the chain and key already parsed, behind a key
 * manager that presents them to every client that can use them.
 *
 * <p>Vert.x's PEM options would read and parse the files once more and put the key in a PKCS#12
 * key store, encrypting it and decrypting it again with 10,000 rounds of PBKDF2, on every start and
 * every certificate change; a second or more of a cold JVM's start. With BoringSSL the key is also
 * converted to the engine's form once, not at every handshake.
 */
final class KeyMaterial {
  private static final String ALIAS = "serving";

  private KeyMaterial() {}

  static KeyCertOptions of(ServingCertificate serving) {
    KeyManagerFactory factory = new Factory(new Manager(serving));
    return KeyCertOptions.wrap(OpenSSLEngineOptions.isAvailable() ? new OpenSslCachingX509KeyManagerFactory(factory)
        : factory);
  }

  /** The one serving certificate, offered for a key type it has (RSA, EC, ...). */
  private static final class Manager extends X509ExtendedKeyManager {
    private final X509Certificate[] chain;
    private final PrivateKey key;

    Manager(ServingCertificate serving) {
      this.chain = serving.chain().toArray(X509Certificate[]::new);
      this.key = serving.privateKey();
    }

    private String aliasFor(String keyType) {
      String algorithm = key.getAlgorithm();
      // TLS 1.3 and most TLS 1.2 suites name the key's own algorithm; static ECDH ones add the signer's.
      return keyType != null && (keyType.equals(algorithm) || keyType.startsWith(algorithm + "_")) ? ALIAS : null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return aliasFor(keyType) == null ? null : new String[] {ALIAS};
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return aliasFor(keyType);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      return aliasFor(keyType);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return ALIAS.equals(alias) ? chain.clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return ALIAS.equals(alias) ? key : null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return null; // a server's material: never presented as a client certificate
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
      return null;
    }
  }

  /** A factory whose only key manager is {@code manager}; nothing to initialise. */
  private static final class Factory extends KeyManagerFactory {
    Factory(Manager manager) {
      super(new KeyManagerFactorySpi() {
        @Override
        protected void engineInit(KeyStore keyStore, char[] password) {}

        @Override
        protected void engineInit(ManagerFactoryParameters parameters) {}

        @Override
        protected KeyManager[] engineGetKeyManagers() {
          return new KeyManager[] {manager};
        }
      }, null, "triage-serving");
    }
  }
}
