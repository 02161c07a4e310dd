package dev.triage.certs.rotation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.triage.certs.KeyAlgorithm;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The rotation rules on plain data: when each step falls due and in which order. */
class RotationTest {
  private static final List<String> NAMES = List.of("triage.triage-system.svc", "triage.triage-system.svc.cluster.local");
  private static final RotationPolicy POLICY = new RotationPolicy(NAMES, Duration.ofDays(300), Duration.ofDays(90),
      Duration.ofMinutes(2), Duration.ofMinutes(10), KeyAlgorithm.DEFAULT);

  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  private final Rotation rotation = new Rotation(POLICY, clock);

  private CertificateState write(Step step) {
    assertTrue(step.write().isPresent(), "expected a step, got: " + step.reason());
    return step.write().get();
  }

  private void assertNothingDue(CertificateState state, long published) {
    Step step = rotation.next(Optional.of(state), published);
    assertTrue(step.write().isEmpty(), "nothing should be due, but: " + step.reason());
  }

  @Test
  void createsACaAndAServingCertificateForTheServiceNames() throws Exception {
    CertificateState state = write(rotation.next(Optional.empty(), 0));

    X509Certificate leaf = state.serving().certificate();
    leaf.verify(state.ca().certificate().getPublicKey());
    assertEquals(Set.copyOf(NAMES), leaf.getSubjectAlternativeNames().stream().map(n -> (String) n.get(1))
        .collect(Collectors.toSet()));
    assertEquals(List.of("1.3.6.1.5.5.7.3.1"), leaf.getExtendedKeyUsage());
    assertEquals(clock.instant().plus(Duration.ofDays(90)), leaf.getNotAfter().toInstant());
    assertEquals(clock.instant().plus(Duration.ofDays(300)), state.ca().certificate().getNotAfter().toInstant());
    assertEquals(List.of(state.ca().certificate()), state.bundle());
    assertEquals(1, state.bundleGeneration());
  }

  @Test
  void renewsTheServingCertificateAtTwoThirdsOfItsLifetime() {
    CertificateState state = write(rotation.next(Optional.empty(), 0));
    state = write(rotation.next(Optional.of(state), 1)); // records the publication
    clock.advance(Duration.ofDays(59));
    assertNothingDue(state, 1);

    clock.advance(Duration.ofDays(1));
    CertificateState renewed = write(rotation.next(Optional.of(state), 1));

    assertNotEquals(state.serving().certificate(), renewed.serving().certificate());
    assertEquals(state.ca().certificate(), renewed.ca().certificate());
    assertEquals(state.bundleGeneration(), renewed.bundleGeneration(), "a renewal leaves the caBundle alone");
    assertEquals(clock.instant().plus(Duration.ofDays(90)), renewed.serving().certificate().getNotAfter().toInstant());
  }

  @Test
  void rollsTheCaOverPublishingBothThenSwitchingThenDroppingTheOld() throws Exception {
    CertificateState state = write(rotation.next(Optional.empty(), 0));
    state = write(rotation.next(Optional.of(state), 1));
    X509Certificate oldCa = state.ca().certificate();
    for (int renewal = 0; renewal < 3; renewal++) {
      clock.advance(Duration.ofDays(60));
      state = write(rotation.next(Optional.of(state), 1));
      assertTrue(state.nextCa().isEmpty(), "day " + 60 * (renewal + 1) + ": only the serving certificate renews");
    }
    clock.advance(Duration.ofDays(20)); // day 200: two thirds of the CA's 300 days
    state = write(rotation.next(Optional.of(state), 1));

    // 1. The new CA joins the bundle; the serving certificate is still the old CA's.
    X509Certificate newCa = state.nextCa().orElseThrow().certificate();
    assertEquals(List.of(oldCa, newCa), state.bundle());
    assertEquals(2, state.bundleGeneration());
    state.serving().certificate().verify(oldCa.getPublicKey());
    clock.advance(Duration.ofHours(1));
    assertNothingDue(state, 1); // not published yet: no switch, however long it takes

    // 2. Published, recorded, and after the propagation time the serving certificate switches.
    state = write(rotation.next(Optional.of(state), 2));
    assertEquals(Optional.of(clock.instant()), state.bundlePublishedAt());
    clock.advance(Duration.ofMinutes(1));
    assertNothingDue(state, 2);
    clock.advance(Duration.ofMinutes(1));
    state = write(rotation.next(Optional.of(state), 2));
    assertEquals(newCa, state.ca().certificate());
    state.serving().certificate().verify(newCa.getPublicKey());
    assertEquals(List.of(oldCa, newCa), state.bundle(), "the old CA stays trusted while replicas switch");

    // 3. After the retirement time the old CA leaves the bundle.
    clock.advance(Duration.ofMinutes(9));
    assertNothingDue(state, 2);
    clock.advance(Duration.ofMinutes(1));
    state = write(rotation.next(Optional.of(state), 2));
    assertEquals(List.of(newCa), state.bundle());
    assertEquals(3, state.bundleGeneration());
    assertTrue(state.bundlePublishedAt().isEmpty());
  }

  @Test
  void startsOverWhenTheCaHasExpired() {
    CertificateState state = write(rotation.next(Optional.empty(), 0));
    clock.advance(Duration.ofDays(301));

    Step step = rotation.next(Optional.of(state), 1);

    CertificateState fresh = write(step);
    assertTrue(step.reason().contains("the CA expired"), step.reason());
    assertNotEquals(state.ca().certificate(), fresh.ca().certificate());
    assertEquals(List.of(fresh.ca().certificate()), fresh.bundle());
    assertEquals(2, fresh.bundleGeneration());
  }

  @Test
  void reissuesTheServingCertificateWhenTheNamesChange() throws Exception {
    CertificateState state = write(rotation.next(Optional.empty(), 0));
    state = write(rotation.next(Optional.of(state), 1));
    Rotation renamed = new Rotation(new RotationPolicy(List.of("webhook.other.svc"), POLICY.caValidity(),
        POLICY.servingValidity(), POLICY.propagation(), POLICY.retirement(), KeyAlgorithm.DEFAULT), clock);

    CertificateState reissued = write(renamed.next(Optional.of(state), 1));

    assertEquals("webhook.other.svc", reissued.serving().certificate().getSubjectAlternativeNames().iterator()
        .next().get(1));
  }

  @Test
  void refusesServingCertificatesThatOutliveTheCasLastThird() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> new RotationPolicy(NAMES, Duration.ofDays(90), Duration.ofDays(60), Duration.ZERO, Duration.ZERO,
            KeyAlgorithm.DEFAULT));
    assertTrue(e.getMessage().contains("must fit in the last third"), e.getMessage());
  }
}
