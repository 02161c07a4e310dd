package dev.triage.certs.rotation;

import dev.triage.certs.CertificateAuthority;
import dev.triage.certs.ServingCertificate;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The rotation rules on plain data: given the stored state and the bundle generation the webhook
 * configurations hold, the next state to store. The order of a CA rollover is fixed here:
 *
 * <ol>
 *   <li>a new CA joins the bundle (old and new are trusted);
 *   <li>once that bundle is published and has had time to reach the apiserver, the serving
 *       certificate is issued by the new CA;
 *   <li>once every replica has had time to pick that up, the old CA leaves the bundle.
 * </ol>
 *
 * <p>Serving certificates are renewed at two thirds of their lifetime, CAs at two thirds of theirs.
 */
public final class Rotation {
  private final RotationPolicy policy;
  private final Clock clock;

  public Rotation(RotationPolicy policy, Clock clock) {
    this.policy = policy;
    this.clock = clock;
  }

  public Step next(Optional<CertificateState> stored, long publishedGeneration) {
    Instant now = clock.instant();
    if (stored.isEmpty()) {
      return Step.write(fresh(1), "created a CA and a serving certificate");
    }
    CertificateState s = stored.get();
    if (!now.isBefore(notAfter(s.ca().certificate()))) {
      // Nothing issued by an expired CA works any more; there is no rollover left to protect.
      return Step.write(fresh(s.bundleGeneration() + 1), "the CA expired at " + notAfter(s.ca().certificate())
          + "; started over with a new CA");
    }
    if (!s.bundlePublished() && publishedGeneration >= s.bundleGeneration()) {
      return Step.write(new CertificateState(s.ca(), s.nextCa(), s.bundle(), s.bundleGeneration(), Optional.of(now),
          s.serving(), s.switchedAt()), "caBundle generation " + s.bundleGeneration() + " is published");
    }
    if (s.nextCa().isPresent()) {
      if (s.bundlePublished() && !now.isBefore(s.bundlePublishedAt().get().plus(policy.propagation()))) {
        CertificateAuthority next = s.nextCa().get();
        return Step.write(new CertificateState(next, Optional.empty(), s.bundle(), s.bundleGeneration(),
            s.bundlePublishedAt(), issue(next), Optional.of(now)),
            "serving certificate now issued by the new CA; the old CA stays trusted for " + policy.retirement());
      }
    } else if (s.switchedAt().isPresent()) {
      if (!now.isBefore(s.switchedAt().get().plus(policy.retirement()))) {
        return Step.write(new CertificateState(s.ca(), Optional.empty(), List.of(s.ca().certificate()),
            s.bundleGeneration() + 1, Optional.empty(), s.serving(), Optional.empty()), "the old CA left the caBundle");
      }
    } else if (dueAt(s.ca().certificate(), now)) {
      CertificateAuthority next = CertificateAuthority.create(RotationPolicy.CA_COMMON_NAME, policy.caValidity(),
          policy.algorithm(), clock);
      return Step.write(new CertificateState(s.ca(), Optional.of(next),
          List.of(s.ca().certificate(), next.certificate()), s.bundleGeneration() + 1, Optional.empty(),
          s.serving(), Optional.empty()), "a new CA joined the caBundle; the current CA expires at "
          + notAfter(s.ca().certificate()));
    }
    Optional<String> renewal = servingRenewal(s, now);
    if (renewal.isPresent()) {
      return Step.write(new CertificateState(s.ca(), s.nextCa(), s.bundle(), s.bundleGeneration(),
          s.bundlePublishedAt(), issue(s.ca()), s.switchedAt()), renewal.get());
    }
    return Step.none();
  }

  private CertificateState fresh(long generation) {
    CertificateAuthority ca = CertificateAuthority.create(RotationPolicy.CA_COMMON_NAME, policy.caValidity(),
        policy.algorithm(), clock);
    return new CertificateState(ca, Optional.empty(), List.of(ca.certificate()), generation, Optional.empty(),
        issue(ca), Optional.empty());
  }

  private ServingCertificate issue(CertificateAuthority ca) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    Duration caLeft = Duration.between(now, notAfter(ca.certificate()));
    Duration validity = policy.servingValidity().compareTo(caLeft) < 0 ? policy.servingValidity() : caLeft;
    return ca.issue(policy.dnsNames(), List.of(), validity, policy.algorithm());
  }

  private Optional<String> servingRenewal(CertificateState s, Instant now) {
    X509Certificate leaf = s.serving().certificate();
    if (dueAt(leaf, now)) {
      return Optional.of("renewed the serving certificate, two thirds of its lifetime having passed");
    }
    try {
      leaf.verify(s.ca().certificate().getPublicKey());
    } catch (GeneralSecurityException e) {
      return Optional.of("renewed the serving certificate, which the stored CA did not issue");
    }
    if (!dnsNames(leaf).equals(Set.copyOf(policy.dnsNames()))) {
      return Optional.of("renewed the serving certificate for the names " + policy.dnsNames());
    }
    return Optional.empty();
  }

  /** Two thirds of the certificate's lifetime have passed. */
  private static boolean dueAt(X509Certificate certificate, Instant now) {
    Instant notBefore = certificate.getNotBefore().toInstant();
    Duration lifetime = Duration.between(notBefore, notAfter(certificate));
    return !now.isBefore(notBefore.plus(lifetime.multipliedBy(2).dividedBy(3)));
  }

  private static Instant notAfter(X509Certificate certificate) {
    return certificate.getNotAfter().toInstant();
  }

  private static Set<String> dnsNames(X509Certificate certificate) {
    Set<String> names = new HashSet<>();
    try {
      if (certificate.getSubjectAlternativeNames() != null) {
        certificate.getSubjectAlternativeNames().stream().filter(name -> (Integer) name.get(0) == 2)
            .forEach(name -> names.add((String) name.get(1)));
      }
    } catch (CertificateParsingException e) {
      return Set.of(); // unreadable names never equal the wanted ones: the certificate is renewed
    }
    return names;
  }
}
