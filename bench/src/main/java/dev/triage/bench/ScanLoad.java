package dev.triage.bench;

import dev.triage.admission.JsonValues;
import dev.triage.cluster.StaticClusterView;
import dev.triage.reports.ReportFlavor;
import dev.triage.rules.RuleSnapshot;
import dev.triage.scan.BackgroundScan;
import dev.triage.scan.ScanUser;
import dev.triage.server.Endpoint;
import dev.triage.server.ReviewHandler;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Admission latency with and without a background scan in the same JVM. Reviews of one body go
 * through the review path (parse, engine, decision line, response bytes; no HTTP) at a constant
 * rate, each timed from when it was due, so a review held up behind the scan counts in full. The
 * phases: no scan (the baseline), a scan of {@code workloads} Deployments at its CPU share, and
 * the same scan at a whole core (unpaced), each scan looping over all workloads for the whole phase.
 *
 * <p>Usage: {@code ScanLoad <review> <endpoint> <workloads> <reviews/s> <seconds> <warm-up seconds> <cpu share>}.
 * Prints one line per phase: {@code phase=... p50_ms=... p99_ms=... max_ms=... p99_ratio=... scanned=... scan_cpu=...}.
 */
public final class ScanLoad {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private ScanLoad() {}

  public static void main(String[] args) throws Exception {
    String review = args[0];
    Endpoint endpoint = Endpoint.valueOf(args[1].toUpperCase(Locale.ROOT));
    int workloads = Integer.parseInt(args[2]);
    int rate = Integer.parseInt(args[3]);
    Duration phase = Duration.ofSeconds(Long.parseLong(args[4]));
    Duration warmUp = Duration.ofSeconds(Long.parseLong(args[5]));
    double share = Double.parseDouble(args[6]);

    RuleSnapshot rules = Fixtures.load(Fixtures.rules());
    ReviewHandler handler = Fixtures.handler(rules);
    byte[] body = Fixtures.review(review, endpoint);
    List<Map<String, Object>> stored = workloads(Fixtures.review(review, Endpoint.VALIDATE), workloads);
    StaticClusterView cluster = Fixtures.cluster();

    System.out.printf(Locale.ROOT, "# %s /%s at %d reviews/s, %d s per phase; scan of %d workloads%n", review,
        args[1], rate, phase.toSeconds(), workloads);
    // The JIT sees both paths before any figure is taken, admission last.
    try (BackgroundScan warm = scan(stored, rules, cluster, 1.0, new AtomicLong())) {
      warm.scanPending();
    }
    measure(handler, endpoint, body, rate, warmUp);
    System.gc();
    Latency baseline = measure(handler, endpoint, body, rate, phase);
    print("no-scan", baseline, baseline, 0, 0);
    for (double cpu : new double[] {share, 1.0}) {
      AtomicLong reports = new AtomicLong();
      try (BackgroundScan scan = scan(stored, rules, cluster, cpu, reports)) {
        System.gc();
        scan.start(() -> true);
        Thread worker = awaitThread("triage-background-scan");
        long cpu0 = THREADS.getThreadCpuTime(worker.getId());
        long wall0 = System.nanoTime();
        Latency withScan = measure(handler, endpoint, body, rate, phase);
        double used = (THREADS.getThreadCpuTime(worker.getId()) - cpu0) / (double) (System.nanoTime() - wall0);
        print(String.format(Locale.ROOT, "scan-%.0f%%", cpu * 100), withScan, baseline, reports.get(), used);
        scan.close();
        worker.join(5_000);
      }
    }
  }

  private static BackgroundScan scan(List<Map<String, Object>> stored, RuleSnapshot rules,
      StaticClusterView cluster, double cpu, AtomicLong reports) {
    // A 1 ms interval: each full scan starts as the previous one ends, for the whole phase.
    return BackgroundScan.of(() -> stored, namespace -> true, () -> rules, cluster, report -> reports.incrementAndGet(),
        new BackgroundScan.Settings(Duration.ofMillis(1), cpu, Duration.ofSeconds(10),
            ScanUser.of("system:serviceaccount:triage-system:triage"), ReportFlavor.OPENREPORTS),
        Clock.systemUTC());
  }

  /** Copies of the review's object, each with its own name and uid. */
  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> workloads(byte[] validateReview, int count) throws Exception {
    Map<String, Object> request = (Map<String, Object>) ((Map<String, Object>) JsonValues.read(validateReview))
        .get("request");
    Map<String, Object> object = (Map<String, Object>) request.get("object");
    List<Map<String, Object>> all = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Map<String, Object> copy = new LinkedHashMap<>(object);
      Map<String, Object> metadata = new LinkedHashMap<>((Map<String, Object>) object.get("metadata"));
      metadata.put("name", metadata.get("name") + "-" + i);
      metadata.put("uid", "00000000-0000-0000-0000-" + String.format(Locale.ROOT, "%012d", i));
      copy.put("metadata", metadata);
      all.add(copy);
    }
    return all;
  }

  record Latency(double p50, double p99, double max, int count) {}

  /** Reviews at {@code rate} for {@code duration}, each timed from when it was due. */
  private static Latency measure(ReviewHandler handler, Endpoint endpoint, byte[] body, int rate, Duration duration)
      throws Exception {
    long period = 1_000_000_000L / rate;
    int count = (int) (duration.toNanos() / period);
    long[] nanos = new long[count];
    long start = System.nanoTime() + period;
    for (int i = 0; i < count; i++) {
      long due = start + i * period;
      for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
        LockSupport.parkNanos(wait);
      }
      Fixtures.admit(handler, endpoint, body);
      nanos[i] = System.nanoTime() - due;
    }
    Arrays.sort(nanos);
    return new Latency(nanos[count / 2] / 1e6, nanos[(int) (count * 0.99)] / 1e6, nanos[count - 1] / 1e6, count);
  }

  private static void print(String phase, Latency latency, Latency baseline, long scanned, double scanCpu) {
    System.out.printf(Locale.ROOT, "phase=%s p50_ms=%.3f p99_ms=%.3f max_ms=%.2f p99_ratio=%.2f reviews=%d"
        + " scanned=%d scan_cpu=%.1f%%%n", phase, latency.p50(), latency.p99(), latency.max(),
        latency.p99() / baseline.p99(), latency.count(), scanned, scanCpu * 100);
  }

  private static Thread awaitThread(String name) throws InterruptedException {
    for (int i = 0; i < 1000; i++) {
      for (Thread thread : Thread.getAllStackTraces().keySet()) {
        if (thread.getName().equals(name) && thread.isAlive()) {
          return thread;
        }
      }
      Thread.sleep(5);
    }
    throw new IllegalStateException("no thread " + name);
  }
}
