package dev.triage.reports;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Whether this replica is the one that writes reports: it holds a {@code coordination.k8s.io/v1}
 * Lease, renewed while it runs and taken over by another replica when it stops renewing. A replica
 * that lost the Lease (the API server was away longer than the renew deadline) stands again.
 */
public final class LeaseLeadership implements BooleanSupplier, AutoCloseable {
  private final KubernetesClient client;
  private final LeaderElectionConfig config;
  private final Duration retryPeriod;
  private volatile boolean leading;
  private volatile boolean closed;
  private volatile CompletableFuture<?> election;

  /**
   * @param identity this replica's name (its pod name): what the Lease says holds it
   * @param leaseDuration how long a Lease outlives a replica that stopped renewing
   */
  public LeaseLeadership(KubernetesClient client, String namespace, String lease, String identity,
      Duration leaseDuration) {
    this.client = client;
    this.retryPeriod = leaseDuration.dividedBy(5);
    this.config = new LeaderElectionConfigBuilder()
        .withName("triage-reports")
        .withLock(new LeaseLock(namespace, lease, identity))
        .withLeaseDuration(leaseDuration)
        .withRenewDeadline(leaseDuration.multipliedBy(2).dividedBy(3))
        .withRetryPeriod(retryPeriod)
        .withReleaseOnCancel()
        .withLeaderCallbacks(new LeaderCallbacks(() -> leading = true, () -> leading = false, holder -> { }))
        .build();
    stand();
  }

  /** One election: it ends when this replica loses the Lease; then, unless closed, the next one. */
  private synchronized void stand() {
    if (closed) {
      return;
    }
    election = client.leaderElector().withConfig(config).build().start();
    election.whenComplete((done, failure) -> {
      leading = false;
      CompletableFuture.delayedExecutor(retryPeriod.toMillis(), TimeUnit.MILLISECONDS).execute(this::stand);
    });
  }

  @Override
  public boolean getAsBoolean() {
    return leading;
  }

  @Override
  public synchronized void close() {
    closed = true;
    leading = false;
    election.cancel(true);
  }
}
