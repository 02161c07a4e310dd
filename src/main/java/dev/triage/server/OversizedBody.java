package dev.triage.server;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import java.time.Duration;

/**
 * Answers a body over the limit with 413 in a way the caller can read while it is still sending.
 *
 * <p>HTTP/1.1: closing right after the answer would leave the rest of the body unread, and the
 * kernel answers unread data with a reset that can destroy the 413 before the client reads it.
 * So the rest of the body is read and dropped (a lingering close), and the connection closed
 * when the body ends or after {@code linger}, whichever comes first.
 *
 * <p>HTTP/2: the answer goes on the stream, which is then reset with {@code NO_ERROR} so the
 * client stops sending (RFC 9113, section 8.1); the connection and its other streams carry on.
 */
final class OversizedBody {
  /** RFC 9113 error code 0x0: the stream is no longer needed. */
  private static final long NO_ERROR = 0;
  static final String MESSAGE = "request body exceeds the 3 MiB limit of an AdmissionReview";

  private final Vertx vertx;
  private final Duration linger;

  OversizedBody(Vertx vertx, Duration linger) {
    this.vertx = vertx;
    this.linger = linger;
  }

  void reject(HttpServerRequest request) {
    HttpServerResponse response = request.response();
    if (response.ended() || response.closed()) {
      return;
    }
    request.handler(dropped -> { });
    response.setStatusCode(413).putHeader("Content-Type", "text/plain; charset=utf-8");
    if (request.version() == HttpVersion.HTTP_2) {
      request.endHandler(done -> { });
      response.end(MESSAGE).onComplete(written -> response.reset(NO_ERROR));
      return;
    }
    HttpConnection connection = request.connection();
    Future<Void> written = response.putHeader("Connection", "close").end(Buffer.buffer(MESSAGE));
    long timer = vertx.setTimer(Math.max(1, linger.toMillis()), t -> connection.close());
    request.endHandler(done -> {
      vertx.cancelTimer(timer);
      written.onComplete(sent -> connection.close());
    });
  }
}
