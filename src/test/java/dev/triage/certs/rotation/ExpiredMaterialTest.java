package dev.triage.certs.rotation;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.triage.certs.KeyAlgorithm;
import dev.triage.certs.ServingCertificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A cluster that was off for a while, or a Secret restored from backup, holds material that has
 * expired: the replicas read it, and rotation renews or starts over, instead of failing to start.
 */
class ExpiredMaterialTest {
  private static final RotationPolicy POLICY = new RotationPolicy(List.of("triage.triage-system.svc"),
      Duration.ofDays(365), Duration.ofDays(90), Duration.ofMinutes(2), Duration.ofMinutes(10), KeyAlgorithm.DEFAULT);

  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  private final MemoryStore store = new MemoryStore(clock);
  private final MemoryWebhooks webhooks = new MemoryWebhooks();
  private final List<String> events = new ArrayList<>();
  private X509Certificate serving;

  private SelfManagedCertificates replica() {
    return new SelfManagedCertificates(store, webhooks, new Rotation(POLICY, clock),
        new SelfManagedCertificates.Listener() {
          @Override
          public void serve(ServingCertificate certificate, List<X509Certificate> bundle) {
            serving = certificate.certificate();
          }

          @Override
          public void event(String message) {
            events.add(message);
          }
        });
  }

  private void assertServesValidTrustedCertificate() throws Exception {
    serving.checkValidity(Date.from(clock.instant()));
    boolean trusted = false;
    for (X509Certificate ca : webhooks.trusted()) {
      try {
        serving.verify(ca.getPublicKey());
        ca.checkValidity(Date.from(clock.instant()));
        trusted = true;
      } catch (java.security.GeneralSecurityException e) {
        // another CA of the bundle
      }
    }
    assertTrue(trusted, "the published caBundle trusts what is served; events: " + events);
  }

  @Test
  void aServingCertificateIssued95DaysAgoIsRenewed() throws Exception {
    replica().reconcile();
    clock.advance(Duration.ofDays(95));
    replica().reconcile();
    assertServesValidTrustedCertificate();
  }

  @Test
  void materialIssued400DaysAgoStartsOverWithANewCa() throws Exception {
    replica().reconcile();
    clock.advance(Duration.ofDays(400));
    replica().reconcile();
    assertServesValidTrustedCertificate();
    assertTrue(events.stream().anyMatch(e -> e.contains("started over")), events::toString);
  }
}
