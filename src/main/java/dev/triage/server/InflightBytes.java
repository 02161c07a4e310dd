package dev.triage.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The request body bytes this replica is reading, parsing or deciding, and the most it takes on at
 * once. A parsed body can take many times its size in heap, so this, not the number of
 * connections or streams, is what keeps many large bodies at once from exhausting the heap; a
 * review beyond it is answered 429 instead.
 */
final class InflightBytes {
  private final long limit;
  private final AtomicLong held = new AtomicLong();

  InflightBytes(long limit) {
    this.limit = limit;
  }

  /** Takes {@code bytes} if they fit beside what is held; false, taking nothing, if not. */
  boolean take(long bytes) {
    long current;
    do {
      current = held.get();
      if (current + bytes > limit) {
        return false;
      }
    } while (!held.compareAndSet(current, current + bytes));
    return true;
  }

  void give(long bytes) {
    held.addAndGet(-bytes);
  }

  long held() {
    return held.get();
  }

  long limit() {
    return limit;
  }
}
