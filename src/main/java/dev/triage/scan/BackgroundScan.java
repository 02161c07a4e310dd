package dev.triage.scan;

import dev.triage.cluster.ClusterView;
import dev.triage.reports.ReportBuilder;
import dev.triage.reports.ReportFlavor;
import dev.triage.rules.Engine;
import dev.triage.rules.RuleSnapshot;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Evaluates what already runs: each stored workload is reviewed as admission would review an
 * UPDATE of it, and its report goes to the sink with source {@code background}. A workload is
 * scanned when it is first seen and whenever it changes ({@link #changed}), all of them when the
 * scan becomes active, when the rules or exceptions change, and every {@code interval}.
 *
 * <p>One daemon thread of low priority does the work, one object at a time, within a share of one
 * core, so admission keeps its latency. Waiting objects are kept one per workload (the latest
 * version), never more than there are workloads.
 */
public final class BackgroundScan implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(BackgroundScan.class.getName());

  /**
   * @param interval between full scans; {@link Duration#ZERO} for none beyond those at start and
   *     on rule changes
   * @param cpuShare of one core the scan may use, above 0 and at most 1
   * @param reviewTimeout how long the rules may take on one object
   * @param userInfo the AdmissionReview {@code userInfo} the scan's requests carry: Triage's own
   *     service account's
   */
  public record Settings(Duration interval, double cpuShare, Duration reviewTimeout, Map<String, Object> userInfo,
      ReportFlavor flavor) {}

  /** Objects reviewed, and objects skipped because the rules or the sink failed on them. */
  public record Counts(long scanned, long failed, int pending) {}

  private final StoredWorkloads stored;
  private final Supplier<RuleSnapshot> rules;
  private final Predicate<String> namespaces;
  private final WorkloadReview review;
  private final Consumer<Map<String, Object>> sink;
  private final long intervalNanos;
  private final double cpuShare;
  private final LongSupplier nanoTime;
  private final PendingObjects pending = new PendingObjects();
  private final Set<String> changedNamespaces = ConcurrentHashMap.newKeySet();
  private final AtomicLong scanned = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private RuleSnapshot lastRules;
  private long nextFullScan;
  /** When the full scan under way began (0: none), and the counts then: for its log line. */
  private long passStarted;
  private long passScanned;
  private long passFailed;
  private Thread worker;

  BackgroundScan(StoredWorkloads stored, Supplier<RuleSnapshot> rules,
      Predicate<String> namespaces, WorkloadReview review, Consumer<Map<String, Object>> sink, Duration interval, double cpuShare,
      LongSupplier nanoTime) {
    this.stored = stored;
    this.rules = rules;
    this.namespaces = namespaces;
    this.review = review;
    this.sink = sink;
    this.intervalNanos = interval.toNanos();
    this.cpuShare = cpuShare;
    this.nanoTime = nanoTime;
  }

  /**
   * A scan of the objects {@code stored} returns (the workloads as they are now) in the
   * {@code namespaces} admission reviews, with the rules admission serves and the cluster view it
   * reads, handing each report to {@code sink}.
   */
  public static BackgroundScan of(StoredWorkloads stored,
      Predicate<String> namespaces, Supplier<RuleSnapshot> rules, ClusterView cluster,
      Consumer<Map<String, Object>> sink, Settings settings, Clock clock) {
    Engine engine = new Engine(rules, new CachedOnly(cluster), clock);
    WorkloadReview review = new WorkloadReview(engine, new ReportBuilder(settings.flavor()), settings.userInfo(),
        settings.reviewTimeout(), clock);
    return new BackgroundScan(stored, rules, namespaces, review, sink, settings.interval(), settings.cpuShare(),
        System::nanoTime);
  }

  /** A workload was added or changed: scan it (again), unless a controller owns it. */
  public void changed(Map<String, Object> object) {
    String key = Workloads.key(object);
    if (Workloads.scanned(object)) {
      pending.offer(key, object);
    } else {
      pending.remove(key);
    }
  }

  /**
   * A namespace's labels (its mode) or its PodDisruptionBudgets changed: its workloads are scanned
   * again, so a team that adds the missing PDB sees its report pass without waiting for the interval.
   * Only noted here, on the informer's thread; the scan's thread picks the workloads, once however
   * many changes came meanwhile.
   */
  public void namespaceChanged(String namespace) {
    changedNamespaces.add(namespace);
  }

  /** A workload was deleted: its report goes with it (it is the report's owner). */
  public void removed(Map<String, Object> object) {
    pending.remove(Workloads.key(object));
  }

  /**
   * Starts the scan's thread, which works while {@code active} holds (the cluster caches are
   * synced and this replica writes reports) and scans everything each time it becomes so.
   */
  public BackgroundScan start(BooleanSupplier active) {
    if (worker != null) {
      throw new IllegalStateException("already started");
    }
    worker = new Thread(() -> run(active), "triage-background-scan");
    worker.setDaemon(true);
    worker.setPriority(Thread.MIN_PRIORITY);
    worker.start();
    return this;
  }

  /**
   * On the calling thread, without pacing, for a scan not {@link #start started}: notes a rule
   * change or a due full scan, then scans every waiting object. Returns how many it reviewed.
   */
  public int scanPending() throws InterruptedException {
    int done = 0;
    queueDueScans();
    for (Map<String, Object> next = pending.take(0, TimeUnit.NANOSECONDS); next != null;
        next = pending.take(0, TimeUnit.NANOSECONDS)) {
      if (scan(next)) {
        done++;
      }
    }
    return done;
  }

  public Counts counts() {
    return new Counts(scanned.get(), failed.get(), pending.size());
  }

  @Override
  public void close() {
    if (worker != null) {
      worker.interrupt();
    }
  }

  private void run(BooleanSupplier active) {
    CpuBudget budget = CpuBudget.ofCurrentThread(cpuShare);
    boolean wasActive = false;
    try {
      while (!Thread.currentThread().isInterrupted()) {
        if (!active.getAsBoolean()) {
          wasActive = false;
          Thread.sleep(500);
          continue;
        }
        if (!wasActive) {
          wasActive = true;
          queueAll();
        }
        queueDueScans();
        Map<String, Object> next = pending.take(1, TimeUnit.SECONDS);
        if (next != null) {
          scan(next);
          budget.pace();
        } else if (passStarted != 0) {
          LOG.log(Level.INFO, "background scan finished: workloads scanned {0}, skipped {2}, seconds {1}",
              scanned.get() - passScanned, (nanoTime.getAsLong() - passStarted) / 1_000_000_000L,
              failed.get() - passFailed);
          passStarted = 0;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Everything again after the rules or exceptions changed, and every interval; a full scan that
   * takes longer than the interval is finished before the next begins.
   */
  private void queueDueScans() {
    RuleSnapshot current = rules.get();
    if (current != lastRules) {
      queueAll();
    } else if (intervalNanos > 0 && nanoTime.getAsLong() - nextFullScan >= 0 && pending.size() == 0) {
      queueAll();
    }
    for (var it = changedNamespaces.iterator(); it.hasNext(); ) {
      String namespace = it.next();
      it.remove();
      stored.in(namespace).forEach(this::changed);
    }
  }

  private void queueAll() {
    lastRules = rules.get();
    long now = nanoTime.getAsLong();
    nextFullScan = now + intervalNanos;
    if (passStarted == 0) {
      passStarted = now == 0 ? 1 : now;
      passScanned = scanned.get();
      passFailed = failed.get();
    }
    changedNamespaces.clear(); // all of them again
    for (Map<String, Object> object : stored.all()) {
      changed(object);
    }
  }

  /**
   * Reviews one object unless its namespace is left out; returns whether it did. Bad input never
   * stops the scan: an object the rules or the sink fail on is logged by name and skipped.
   */
  private boolean scan(Map<String, Object> object) {
    if (!namespaces.test(Workloads.namespace(object))) {
      return false;
    }
    try {
      sink.accept(review.report(object));
      scanned.incrementAndGet();
    } catch (RuntimeException | StackOverflowError e) {
      failed.incrementAndGet();
      LOG.log(Level.WARNING, "background scan skipped {0}: {1}", Workloads.key(object), e.getClass().getSimpleName());
    }
    return true;
  }

  /**
   * The cluster view as cached, never read afresh: admission reads live when a denial rests on a
   * cache that may lag, but the scan's objects are old, and a PodDisruptionBudget that arrives
   * later changes the workload's report at the next scan.
   */
  private record CachedOnly(ClusterView cached) implements ClusterView {
    @Override
    public Optional<Map<String, Object>> namespace(String name) {
      return cached.namespace(name);
    }

    @Override
    public List<Map<String, Object>> podDisruptionBudgets(String namespace) {
      return cached.podDisruptionBudgets(namespace);
    }
  }
}
