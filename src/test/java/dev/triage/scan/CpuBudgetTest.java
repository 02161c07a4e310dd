package dev.triage.scan;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The budget against the thread's own CPU time. Sleeps are counted, not slept: what is checked is
 * the thread's CPU time against the time that would have passed, never how long the test took.
 */
class CpuBudgetTest {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  @Test
  void realWorkStaysUnderItsShareOfTheTimeThatPassed() throws Exception {
    AtomicLong slept = new AtomicLong();
    CpuBudget budget = new CpuBudget(0.2, Duration.ofMillis(50), THREADS::getCurrentThreadCpuTime,
        () -> System.nanoTime() + slept.get(), slept::addAndGet);
    long cpu0 = THREADS.getCurrentThreadCpuTime();
    long wall0 = System.nanoTime();
    long maxItem = 0;
    long sink = 0;
    for (int i = 0; i < 200; i++) {
      long before = THREADS.getCurrentThreadCpuTime();
      sink += work();
      maxItem = Math.max(maxItem, THREADS.getCurrentThreadCpuTime() - before);
      budget.pace();
    }
    long cpu = THREADS.getCurrentThreadCpuTime() - cpu0;
    long passed = System.nanoTime() + slept.get() - wall0;
    assertTrue(sink != 42, "keeps the work");
    assertTrue(slept.get() > 0, "the budget slept");
    // At most the share, give or take the last item's work done after the last pace.
    assertTrue(cpu <= 0.2 * passed + maxItem, () -> "CPU " + cpu + " ns in " + passed + " ns");
  }

  @Test
  void aLongIdleSpellEarnsNoBurst() throws Exception {
    AtomicLong cpu = new AtomicLong();
    AtomicLong wall = new AtomicLong();
    CpuBudget budget = new CpuBudget(0.1, Duration.ofMillis(50), cpu::get, wall::get, wall::addAndGet);
    wall.addAndGet(Duration.ofHours(1).toNanos());
    budget.pace(); // the first piece after the idle hour
    long cpu0 = cpu.get();
    long wall0 = wall.get();
    for (int i = 0; i < 1000; i++) {
      cpu.addAndGet(1_000_000); // 1 ms of work that takes 1 ms
      wall.addAndGet(1_000_000);
      budget.pace();
    }
    long used = cpu.get() - cpu0;
    long passed = wall.get() - wall0;
    assertTrue(used <= 0.1 * passed + Duration.ofMillis(50).toNanos(), () -> used + " ns CPU in " + passed + " ns");
    assertTrue(passed >= Duration.ofSeconds(9).toNanos(), () -> "1 s of work at 10% takes 10 s, not " + passed);
  }

  @Test
  void aShareIsAboveZeroAndAtMostOneCore() {
    assertThrows(IllegalArgumentException.class, () -> CpuBudget.ofCurrentThread(0));
    assertThrows(IllegalArgumentException.class, () -> CpuBudget.ofCurrentThread(1.5));
  }

  private static long work() {
    long x = 0;
    for (int i = 0; i < 200_000; i++) {
      x = x * 31 + Long.hashCode(x ^ i);
    }
    return x;
  }
}
