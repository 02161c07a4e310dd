package dev.triage.reports;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Writes reports off the admission path: {@link #submit} and {@link #delete} only record the latest
 * change for a workload's report; a low-priority thread applies at most {@code perFlush} of them
 * every {@code every}, and only while this replica leads. A slow or absent API server delays reports, never a review;
 * a report it could not take stays queued until a newer one for the same workload replaces it.
 * Beyond {@code maxPending} workloads the oldest waiting report is dropped: the next scan writes
 * it again. The background scan, which could queue far faster than the API server should be
 * written to, waits instead ({@link #submitWhenRoom}) and leaves half of the queue to admission.
 */
public final class ReportWriter implements AutoCloseable {
  private static final String FIELD_MANAGER = "triage";

  private final KubernetesClient client;
  private final BooleanSupplier leading;
  private final int perFlush;
  private final int maxPending;
  private final Map<String, Change> pending = new LinkedHashMap<>();
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong deleted = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final ScheduledExecutorService timer = lowPriorityTimer("triage-report-writer");

  public ReportWriter(KubernetesClient client, BooleanSupplier leading, Duration every, int perFlush,
      int maxPending) {
    this.client = client;
    this.leading = leading;
    this.perFlush = perFlush;
    this.maxPending = maxPending;
    timer.scheduleWithFixedDelay(this::flush, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Queues a report built by {@link ReportBuilder}; replaces any report still waiting for the same workload. */
  public void submit(Map<String, Object> report) {
    queue(new Change(report, false));
  }

  /**
   * Like {@link #submit}, but first waits while half of {@code maxPending} reports are waiting:
   * how the background scan keeps pace with the writer, and leaves room for admission's reports.
   */
  public void submitWhenRoom(Map<String, Object> report) throws InterruptedException {
    synchronized (this) {
      while (pending.size() >= maxPending / 2) {
        wait(1_000);
      }
    }
    submit(report);
  }

  /**
   * Queues the removal of a workload's report, given by {@link ReportBuilder#reference}; replaces
   * any report still waiting for it. A report that is not there is no failure.
   */
  public void delete(Map<String, Object> reference) {
    queue(new Change(reference, true));
  }

  /** A report to apply, or (removal) the names of one to delete. */
  private record Change(Map<String, Object> report, boolean removal) {
    String key() {
      Map<?, ?> metadata = (Map<?, ?>) report.get("metadata");
      return report.get("kind") + "/" + metadata.get("namespace") + "/" + metadata.get("name");
    }
  }

  private synchronized void queue(Change change) {
    String key = change.key();
    pending.remove(key);
    pending.put(key, change);
    while (pending.size() > maxPending) {
      Iterator<String> oldest = pending.keySet().iterator();
      oldest.next();
      oldest.remove();
      dropped.incrementAndGet();
    }
  }

  /**
   * Reports applied, reports deleted, calls that failed, changes dropped because too many waited,
   * and changes waiting.
   */
  public record Counts(long written, long deleted, long failed, long dropped, int pending) {}

  public synchronized Counts counts() {
    return new Counts(written.get(), deleted.get(), failed.get(), dropped.get(), pending.size());
  }

  /** Whether this replica writes (holds the Lease); the others only queue. */
  public boolean leading() {
    return leading.getAsBoolean();
  }

  private void flush() {
    if (!leading.getAsBoolean()) {
      return;
    }
    List<Map.Entry<String, Change>> batch = new ArrayList<>();
    synchronized (this) {
      Iterator<Map.Entry<String, Change>> it = pending.entrySet().iterator();
      while (it.hasNext() && batch.size() < perFlush) {
        Map.Entry<String, Change> next = it.next();
        batch.add(Map.entry(next.getKey(), next.getValue()));
        it.remove();
      }
      notifyAll();
    }
    for (Map.Entry<String, Change> entry : batch) {
      try {
        GenericKubernetesResource report =
            client.getKubernetesSerialization().convertValue(entry.getValue().report(), GenericKubernetesResource.class);
        if (entry.getValue().removal()) {
          client.resource(report).delete();
          deleted.incrementAndGet();
        } else {
          client.resource(report).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
          written.incrementAndGet();
        }
      } catch (RuntimeException e) { // KubernetesClientException mostly; any other must not stop the timer
        failed.incrementAndGet();
        synchronized (this) {
          pending.putIfAbsent(entry.getKey(), entry.getValue()); // unless a newer one came meanwhile
        }
      }
    }
  }

  /** One daemon thread at the lowest priority: how reports are written and pruned, off the admission path. */
  static ScheduledExecutorService lowPriorityTimer(String name) {
    return Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, name);
      thread.setDaemon(true);
      thread.setPriority(Thread.MIN_PRIORITY);
      return thread;
    });
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
