package dev.triage.certs.rotation;

import dev.triage.certs.CertificateAuthority;
import dev.triage.certs.ServingCertificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What self-managed mode keeps in its Secret: the CA that signs, a CA being introduced, the CAs
 * clients must trust, and the serving certificate every replica presents.
 *
 * @param ca the CA that issued {@code serving}
 * @param nextCa a CA already in {@code bundle} that will sign the next serving certificate once the
 *     bundle has reached the apiserver
 * @param bundle what the webhook configurations' {@code caBundle} must hold
 * @param bundleGeneration grows by one whenever {@code bundle} changes, so a replica with an older
 *     view never publishes over a newer bundle
 * @param bundlePublishedAt when both webhook configurations were seen holding this generation
 * @param serving the certificate and key every replica serves
 * @param switchedAt when {@code serving} moved to a new CA; the old CA leaves the bundle a while later
 */
public record CertificateState(
    CertificateAuthority ca,
    Optional<CertificateAuthority> nextCa,
    List<X509Certificate> bundle,
    long bundleGeneration,
    Optional<Instant> bundlePublishedAt,
    ServingCertificate serving,
    Optional<Instant> switchedAt) {
  public CertificateState {
    bundle = List.copyOf(bundle);
    if (!bundle.contains(ca.certificate())) {
      throw new IllegalArgumentException("the CA that signs must be in the bundle clients trust");
    }
    if (nextCa.isPresent() && !bundle.contains(nextCa.get().certificate())) {
      throw new IllegalArgumentException("a CA being introduced must be in the bundle clients trust");
    }
  }

  boolean bundlePublished() {
    return bundlePublishedAt.isPresent();
  }
}
