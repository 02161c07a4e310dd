package dev.triage.exceptions;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Says once a day (and once at start) which exceptions lapse within two weeks or have lapsed, so
 * a team hears of it before its workloads are denied again.
 */
public final class ExpiryReminder implements AutoCloseable {
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "triage-exception-expiry");
    thread.setDaemon(true);
    return thread;
  });

  /** @param warn told each notice line, from the reminder's own thread */
  public ExpiryReminder(Supplier<PolicyExceptions> exceptions, Expiry expiry, Consumer<String> warn, Duration every) {
    timer.scheduleAtFixedRate(() -> {
      try {
        expiry.notices(exceptions.get()).forEach(warn);
      } catch (RuntimeException e) {
        warn.accept("cannot check exception expiry: " + e);
      }
    }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
