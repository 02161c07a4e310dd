package dev.triage.certs;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A TLS server certificate with its private key.
 *
 * @param chain the serving certificate first, followed by the certificates that issued it as far as
 *     they are known (for a certificate issued by {@link CertificateAuthority}, the CA certificate)
 * @param privateKey the key belonging to {@code chain.get(0)}
 */
public record ServingCertificate(List<X509Certificate> chain, PrivateKey privateKey) {
  public ServingCertificate {
    chain = List.copyOf(chain);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("A serving certificate chain needs at least the serving certificate");
    }
    Objects.requireNonNull(privateKey, "privateKey");
  }

  /** The certificate the server presents, i.e. the first element of the chain. */
  public X509Certificate certificate() {
    return chain.get(0);
  }

  // Some JDK key classes print their parameters; keep key material out of logs and error messages.
  @Override
  public String toString() {
    X509Certificate leaf = certificate();
    return "ServingCertificate[subject=" + leaf.getSubjectX500Principal().getName()
        + ", notAfter=" + leaf.getNotAfter().toInstant()
        + ", chainLength=" + chain.size()
        + ", privateKey=" + privateKey.getAlgorithm() + "]";
  }
}
