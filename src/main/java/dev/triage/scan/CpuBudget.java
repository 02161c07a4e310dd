package dev.triage.scan;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Keeps one thread's CPU time under a share of one core: after each piece of work, {@link #pace}
 * sleeps as long as it takes for the thread's CPU time since the account opened to be at most
 * {@code share} of the time passed. Time spent idle earns little credit: once the thread is more
 * than {@code slack} of CPU time under its share the account opens afresh, so a burst after a
 * quiet hour is paced like any other.
 */
final class CpuBudget {
  /** Sleeps; a test may count instead. */
  interface Sleeper {
    void sleep(long nanos) throws InterruptedException;
  }

  private final double share;
  private final long slackNanos;
  private final LongSupplier cpuNanos;
  private final LongSupplier wallNanos;
  private final Sleeper sleeper;
  private long cpuStart;
  private long wallStart;

  /**
   * @param share of one core, above 0 and at most 1
   * @param cpuNanos the paced thread's CPU time; read only from that thread
   */
  CpuBudget(double share, Duration slack, LongSupplier cpuNanos, LongSupplier wallNanos, Sleeper sleeper) {
    if (!(share > 0 && share <= 1)) {
      throw new IllegalArgumentException("a CPU share is above 0 and at most 1, not " + share);
    }
    this.share = share;
    this.slackNanos = slack.toNanos();
    this.cpuNanos = cpuNanos;
    this.wallNanos = wallNanos;
    this.sleeper = sleeper;
    open();
  }

  /** A budget for the calling thread, measured with its CPU time (ThreadMXBean) and sleeping for real. */
  static CpuBudget ofCurrentThread(double share) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    LongSupplier cpu = threads.isCurrentThreadCpuTimeSupported() ? threads::getCurrentThreadCpuTime
        : System::nanoTime; // no CPU clock: count wall time as busy, which paces harder, never softer
    return new CpuBudget(share, Duration.ofMillis(50), cpu, System::nanoTime,
        nanos -> Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000)));
  }

  /** Called by the paced thread after each piece of work. */
  void pace() throws InterruptedException {
    long cpu = cpuNanos.getAsLong() - cpuStart;
    long wall = wallNanos.getAsLong() - wallStart;
    long owed = (long) (cpu / share) - wall;
    if (owed > 0) {
      sleeper.sleep(owed);
    } else if (-owed * share > slackNanos) {
      open();
    }
  }

  private void open() {
    cpuStart = cpuNanos.getAsLong();
    wallStart = wallNanos.getAsLong();
  }
}
