package dev.triage.reports;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * Whether this replica is the one that writes reports: it holds a {@code coordination.k8s.io/v1}
 * Lease, renewed while it runs and taken over by another replica when it stops renewing.
 */
public final class LeaseLeadership implements BooleanSupplier, AutoCloseable {
  private volatile boolean leading;
  private final CompletableFuture<?> election;

  /**
   * @param identity this replica's name (its pod name): what the Lease says holds it
   * @param leaseDuration how long a Lease outlives a replica that stopped renewing
   */
  public LeaseLeadership(KubernetesClient client, String namespace, String lease, String identity,
      Duration leaseDuration) {
    election = client.leaderElector().withConfig(new LeaderElectionConfigBuilder()
        .withName("triage-reports")
        .withLock(new LeaseLock(namespace, lease, identity))
        .withLeaseDuration(leaseDuration)
        .withRenewDeadline(leaseDuration.multipliedBy(2).dividedBy(3))
        .withRetryPeriod(leaseDuration.dividedBy(5))
        .withReleaseOnCancel()
        .withLeaderCallbacks(new LeaderCallbacks(() -> leading = true, () -> leading = false, holder -> { }))
        .build()).build().start();
  }

  @Override
  public boolean getAsBoolean() {
    return leading;
  }

  @Override
  public void close() {
    leading = false;
    election.cancel(true);
  }
}
