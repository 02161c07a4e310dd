package dev.triage.reports;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Deletes the reports whose workload is gone. Owner references let the cluster's garbage collector
 * do this too; this covers a report written without one (no uid was known), a cluster whose
 * collector is slow or absent, and a workload deleted and created again under the same name. While
 * this replica leads, it lists Triage's reports, then looks up at most {@code perCheck} of their
 * workloads (a list by name) every {@code every}, and lists again once through, but not sooner than
 * {@value #TICKS_PER_LIST} times {@code every} after the last list: a slow, steady pass that costs
 * the API server one read per report per pass, and little when there are few reports.
 */
public final class ReportPruner implements AutoCloseable {
  private static final int TICKS_PER_LIST = 30;

  private final KubernetesClient client;
  private final ReportFlavor flavor;
  private final BooleanSupplier leading;
  private final int perCheck;
  private final Deque<GenericKubernetesResource> toCheck = new ArrayDeque<>();
  private final AtomicLong pruned = new AtomicLong();
  private final long listEveryNanos;
  private long listed = Long.MIN_VALUE;
  private final ScheduledExecutorService timer = ReportWriter.lowPriorityTimer("triage-report-pruner");

  public ReportPruner(KubernetesClient client, ReportFlavor flavor, BooleanSupplier leading, Duration every,
      int perCheck) {
    this.client = client;
    this.flavor = flavor;
    this.leading = leading;
    this.perCheck = perCheck;
    this.listEveryNanos = every.toNanos() * TICKS_PER_LIST;
    timer.scheduleWithFixedDelay(this::check, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Reports deleted because their workload was gone. */
  public long pruned() {
    return pruned.get();
  }

  private void check() {
    if (!leading.getAsBoolean()) {
      toCheck.clear();
      return;
    }
    try {
      if (toCheck.isEmpty()) {
        long now = System.nanoTime();
        if (listed != Long.MIN_VALUE && now - listed < listEveryNanos) {
          return;
        }
        listed = now;
        for (String kind : flavor.kinds()) {
          toCheck.addAll(client.genericKubernetesResources(flavor.apiVersion(), kind)
              .inAnyNamespace().withLabel(ReportBuilder.MANAGED_BY, "triage").list().getItems());
        }
        return;
      }
    } catch (RuntimeException e) { // the API server is slow or away, or the CRD not installed: next time
      toCheck.clear();
      return;
    }
    for (int i = 0; i < perCheck && !toCheck.isEmpty(); i++) {
      GenericKubernetesResource report = toCheck.poll();
      try {
        if (orphaned(report)) {
          // Only the report as listed: one rewritten since (for a workload of the same name) stays.
          client.resource(report).lockResourceVersion(report.getMetadata().getResourceVersion()).delete();
          pruned.incrementAndGet();
        }
      } catch (RuntimeException e) { // unreadable workload kind, or a conflict: kept, seen again next pass
      }
    }
  }

  /** The workload in the report's scope is gone, or is another one under the same name. */
  private boolean orphaned(GenericKubernetesResource report) {
    if (!(report.getAdditionalProperties().get("scope") instanceof Map<?, ?> scope)
        || !(scope.get("apiVersion") instanceof String apiVersion) || !(scope.get("kind") instanceof String kind)
        || !(scope.get("name") instanceof String name)) {
      return false;
    }
    // A list by name rather than a get: the same right the background scan holds, and no more.
    var workloads = client.genericKubernetesResources(apiVersion, kind);
    List<GenericKubernetesResource> found = (scope.get("namespace") instanceof String namespace
        ? workloads.inNamespace(namespace).withField("metadata.name", name)
        : workloads.withField("metadata.name", name)).list().getItems();
    if (found.isEmpty()) {
      return true;
    }
    GenericKubernetesResource workload = found.get(0);
    return report.getMetadata().getOwnerReferences().stream().map(OwnerReference::getUid)
        .anyMatch(uid -> !uid.equals(workload.getMetadata().getUid()));
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
