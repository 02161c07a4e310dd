package dev.triage.server;

import dev.triage.admission.ReviewCodec;
import java.time.Duration;

/**
 * What one caller may take from the server, so that slow or hostile clients cannot exhaust it.
 *
 * @param maxConnections open connections at once; more are closed as soon as they are accepted
 * @param readTimeout how long a request may take to arrive: its head on a new connection, its body
 *     once the head is in (a slowloris sending a byte at a time is cut off here)
 * @param idleTimeout how long a keep-alive connection may wait for its next request head after an
 *     answer, and how long any connection may stay silent
 * @param maxHeaderBytes the request line and headers together
 * @param maxInflightBytes request body bytes being read, parsed or decided at once, across all
 *     connections and streams; a review beyond it is answered 429. At least the largest body, 3 MiB,
 *     so that any review can be served on its own
 */
public record Limits(int maxConnections, Duration readTimeout, Duration idleTimeout, int maxHeaderBytes,
    long maxInflightBytes) {
  /** kube-apiserver keeps a handful of keep-alive connections per webhook: a thousand is ample. */
  public static final Limits DEFAULT = new Limits(1024, Duration.ofSeconds(10), Duration.ofSeconds(60), 16 * 1024);

  public Limits {
    if (maxConnections < 1 || maxHeaderBytes < 1024) {
      throw new IllegalArgumentException("maxConnections must be positive and maxHeaderBytes at least 1024");
    }
    if (maxInflightBytes < ReviewCodec.MAX_BODY_BYTES) {
      throw new IllegalArgumentException("the bytes in flight must be at least " + ReviewCodec.MAX_BODY_BYTES
          + " (3Mi), the largest review");
    }
    if (readTimeout.isNegative() || readTimeout.isZero() || idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("timeouts must be positive");
    }
  }

  /** Limits with the bytes in flight this JVM's heap allows ({@link #inflightBytesFor}). */
  public Limits(int maxConnections, Duration readTimeout, Duration idleTimeout, int maxHeaderBytes) {
    this(maxConnections, readTimeout, idleTimeout, maxHeaderBytes, inflightBytesFor(Runtime.getRuntime().maxMemory()));
  }

  /**
   * The default budget of body bytes in flight: a 32nd of the heap, at least 3 MiB. A parsed body
   * takes up to about 13 times its size (a 3 MiB list of one-letter strings: 41 MB; of empty
   * objects, cut off by the token limit: 16 MB), and its raw bytes once more while it parses. So
   * at most half the heap goes to bodies in flight, the rest to the rules, the connections and
   * garbage: with webhook/jvm.options' 128 MiB heap, about 3.9 MiB, the largest review and then
   * some, or some eighty reviews of 50 KB at once.
   */
  public static long inflightBytesFor(long maxHeap) {
    return Math.max(ReviewCodec.MAX_BODY_BYTES, maxHeap / 32);
  }

  /** These limits with {@code bytes} in flight at most. */
  public Limits withMaxInflightBytes(long bytes) {
    return new Limits(maxConnections, readTimeout, idleTimeout, maxHeaderBytes, bytes);
  }
}
