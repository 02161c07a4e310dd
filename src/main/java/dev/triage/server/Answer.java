package dev.triage.server;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One review's answer, given once: whichever comes first of the decision, the deadline and a
 * failure is sent, logged and counted; what comes after it is dropped. So every review is logged
 * and counted exactly once, and a late decision never follows its timeout into the log.
 */
final class Answer {
  private final AtomicBoolean given = new AtomicBoolean();

  /** True for the first caller only: it answers. */
  boolean claim() {
    return given.compareAndSet(false, true);
  }
}
