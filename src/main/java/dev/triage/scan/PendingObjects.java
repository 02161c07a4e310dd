package dev.triage.scan;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The objects waiting to be scanned, one per key: offering an object whose key waits already
 * replaces it (the latest version wins) and keeps its place; so the queue never holds more than
 * the objects there are.
 */
final class PendingObjects {
  private final Map<String, Map<String, Object>> waiting = new LinkedHashMap<>();

  synchronized void offer(String key, Map<String, Object> object) {
    waiting.put(key, object);
    notifyAll();
  }

  /** An object gone from the cluster needs no scan. */
  synchronized void remove(String key) {
    waiting.remove(key);
  }

  /** The longest-waiting object, waiting at most {@code timeout} for one; null if none came. */
  synchronized Map<String, Object> take(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    while (waiting.isEmpty()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    Iterator<Map<String, Object>> oldest = waiting.values().iterator();
    Map<String, Object> next = oldest.next();
    oldest.remove();
    return next;
  }

  synchronized int size() {
    return waiting.size();
  }
}
