package dev.triage.certs.rotation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.triage.certs.KeyAlgorithm;
import dev.triage.certs.ServingCertificate;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Several replicas sharing one store and one pair of webhook configurations, reconciling at the
 * same moments on separate threads: they agree on one certificate, and whatever any of them
 * serves is always trusted by the caBundle the apiserver holds.
 */
class SelfManagedCertificatesTest {
  private static final List<String> NAMES = List.of("triage.triage-system.svc");
  private static final Duration TICK = Duration.ofSeconds(10);
  // Short lifetimes so that many rollovers fit in a test; the same rules as in production.
  private static final RotationPolicy POLICY = new RotationPolicy(NAMES, Duration.ofHours(3), Duration.ofMinutes(45),
      Duration.ofMinutes(1), Duration.ofMinutes(2), KeyAlgorithm.DEFAULT);

  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  private final MemoryStore store = new MemoryStore(clock);
  private final MemoryWebhooks webhooks = new MemoryWebhooks();
  private final ExecutorService threads = Executors.newFixedThreadPool(4);

  /** One replica and what it serves. */
  private final class Replica implements SelfManagedCertificates.Listener {
    final SelfManagedCertificates certificates =
        new SelfManagedCertificates(store, webhooks, new Rotation(POLICY, clock), this);
    final Queue<String> events = new ConcurrentLinkedQueue<>();
    volatile X509Certificate serving;

    @Override
    public void serve(ServingCertificate certificate, List<X509Certificate> bundle) {
      serving = certificate.certificate();
    }

    @Override
    public void event(String message) {
      events.add(message);
    }
  }

  @AfterEach
  void stop() {
    threads.shutdownNow();
  }

  private void reconcileTogether(List<Replica> replicas) throws Exception {
    List<Callable<CertificateState>> rounds = new ArrayList<>();
    for (Replica replica : replicas) {
      rounds.add(replica.certificates::reconcile);
    }
    for (Future<CertificateState> round : threads.invokeAll(rounds)) {
      round.get();
    }
  }

  @Test
  void replicasStartingTogetherAgreeOnOneCaAndCertificate() throws Exception {
    List<Replica> replicas = List.of(new Replica(), new Replica(), new Replica());

    reconcileTogether(replicas);

    assertEquals(1, replicas.stream().map(r -> r.serving).distinct().count(), "all serve the same certificate");
    long created = replicas.stream().flatMap(r -> r.events.stream())
        .filter(e -> e.equals("created a CA and a serving certificate")).count();
    assertEquals(1, created, "exactly one replica created the CA");
    assertEquals(store.writes.get(), replicas.stream().flatMap(r -> r.events.stream())
        .filter(e -> !e.startsWith("another replica") && !e.startsWith("published") && !e.startsWith("a webhook"))
        .count(), "every stored state was written by exactly one replica");
    assertTrue(webhooks.trusted().contains(store.read().orElseThrow().state().ca().certificate()));
  }

  @Test
  void whatEveryReplicaServesIsTrustedThroughoutManyRenewalsAndCaRollovers() throws Exception {
    List<Replica> replicas = List.of(new Replica(), new Replica(), new Replica(), new Replica());
    reconcileTogether(replicas);
    Set<X509Certificate> cas = new HashSet<>();
    Set<X509Certificate> served = new HashSet<>();
    int ticks = (int) Duration.ofHours(12).dividedBy(TICK);
    for (int tick = 1; tick < ticks; tick++) {
      // Each replica polls every 30 s; two of them at the same moments, so that they race.
      int phase = tick % 3;
      reconcileTogether(replicas.stream().filter(r -> phaseOf(replicas.indexOf(r)) == phase).toList());
      List<X509Certificate> trusted = webhooks.trusted();
      for (Replica replica : replicas) {
        assertTrue(trustedAt(replica.serving, trusted, clock.instant()), "at " + clock.instant() + " a replica serves a"
            + " certificate the published caBundle does not trust");
        served.add(replica.serving);
      }
      cas.add(store.read().orElseThrow().state().ca().certificate());
      clock.advance(TICK);
    }
    long conflicts = store.conflicts.get();
    System.out.printf("self-managed rotation: %d ticks x %d replicas, %d CAs, %d serving certificates, %d writes,"
        + " %d conflicts lost%n", ticks, replicas.size(), cas.size(), served.size(), store.writes.get(), conflicts);
    assertTrue(cas.size() >= 5, "CA rollovers: " + cas.size());
    assertTrue(served.size() >= 15, "serving certificates: " + served.size());
    assertEquals(1, webhooks.trusted().size(), "after the last rollover only the current CA is trusted");
  }

  private static int phaseOf(int replica) {
    return replica == 0 ? 0 : replica - 1;
  }

  private static boolean trustedAt(X509Certificate leaf, List<X509Certificate> cas, Instant now) {
    for (X509Certificate ca : cas) {
      try {
        leaf.verify(ca.getPublicKey());
        leaf.checkValidity(Date.from(now));
        ca.checkValidity(Date.from(now));
        return true;
      } catch (GeneralSecurityException e) {
        // try the next CA
      }
    }
    return false;
  }
}
