package dev.triage.server;

import dev.triage.admission.ReviewCodec;
import io.vertx.core.buffer.Buffer;
import java.util.Arrays;

/**
 * One review's body as it arrives, and the share of the replica's {@link InflightBytes} it holds:
 * the declared Content-Length up front, or the bytes as they come when no length is declared. The
 * share is held while the body is read, parsed and decided, and given back once both the answer is
 * done with and the work on the body has finished, whichever is last. Used on one event loop.
 */
final class IncomingBody {
  private static final byte[] EMPTY = {};

  private final InflightBytes budget;
  private long held;
  private byte[] bytes = EMPTY;
  private int length;
  /** The answer, and the work on the parsed body while it runs. */
  private int users = 1;
  private boolean answered;

  IncomingBody(InflightBytes budget) {
    this.budget = budget;
  }

  /** Holds {@code contentLength} bytes for a body that says how long it is; false if they do not fit. */
  boolean expect(long contentLength) {
    if (!cover(contentLength)) {
      return false;
    }
    bytes = new byte[(int) contentLength];
    return true;
  }

  /** Keeps {@code chunk}; false, keeping nothing, if the bytes held so far and it do not fit the budget. */
  boolean append(Buffer chunk) {
    int end = length + chunk.length();
    if (!cover(end)) {
      return false;
    }
    if (end > bytes.length) {
      // Doubling, so a body of many small chunks is not copied once per chunk.
      bytes = Arrays.copyOf(bytes, Math.max(end, Math.min(2 * bytes.length, ReviewCodec.MAX_BODY_BYTES)));
    }
    chunk.getBytes(0, chunk.length(), bytes, length);
    length = end;
    return true;
  }

  /** The bytes of the body kept so far. */
  int length() {
    return length;
  }

  /** The body read, handed over: this object keeps no reference to it. */
  byte[] take() {
    byte[] body = length == bytes.length ? bytes : Arrays.copyOf(bytes, length);
    bytes = EMPTY;
    return body;
  }

  /** Work on the body starts: its share stays held until {@link #release()} is called for it. */
  void retain() {
    users++;
  }

  /** The answer is done with: sent, or its connection or stream gone. Once counts, however often it is said. */
  void answered() {
    if (!answered) {
      answered = true;
      release();
    }
  }

  /** The work on the body has finished; the last of it and the answer gives the share back. */
  void release() {
    if (users > 0 && --users == 0) {
      budget.give(held);
      held = 0;
      bytes = EMPTY;
    }
  }

  private boolean cover(long total) {
    if (users == 0) {
      return false; // answered and given back: nothing more is held for it
    }
    if (total <= held) {
      return true;
    }
    if (!budget.take(total - held)) {
      return false;
    }
    held = total;
    return true;
  }
}
