package dev.triage.server;

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
 */
public record Limits(int maxConnections, Duration readTimeout, Duration idleTimeout, int maxHeaderBytes) {
  /** kube-apiserver keeps a handful of keep-alive connections per webhook: a thousand is ample. */
  public static final Limits DEFAULT = new Limits(1024, Duration.ofSeconds(10), Duration.ofSeconds(60), 16 * 1024);

  public Limits {
    if (maxConnections < 1 || maxHeaderBytes < 1024) {
      throw new IllegalArgumentException("maxConnections must be positive and maxHeaderBytes at least 1024");
    }
    if (readTimeout.isNegative() || readTimeout.isZero() || idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("timeouts must be positive");
    }
  }
}
