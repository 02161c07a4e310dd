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
 * Answers a review before its body is read (413: over the limit, 429: shed) so that the caller
 * reads the answer while it is still sending.
 *
 * <p>Cutting the body short loses answers. Over HTTP/1.1, closing leaves data unread and the
 * kernel answers it with a TCP reset that can destroy the answer before the client reads it. Over
 * HTTP/2, every DATA frame still in flight for a reset stream draws a {@code STREAM_CLOSED} reset
 * from Netty, and a few hundred of those on one connection make Netty close the whole connection
 * (its guard against provoked resets), with every other stream on it.
 *
 * <p>So the rest of the body is read and dropped, for at most {@code linger}. When it ends, an
 * HTTP/1.1 connection carries on, or is closed if the answer said {@code Connection: close}; an
 * HTTP/2 stream simply ends. A body still coming after {@code linger} closes its HTTP/1.1
 * connection, or resets only its HTTP/2 stream.
 */
final class EarlyAnswer {
  static final String TOO_LARGE = "request body exceeds the 3 MiB limit of an AdmissionReview";
  /** RFC 9113 error code 0x8: the stream is no longer needed. */
  private static final long CANCEL = 0x8;

  private final Vertx vertx;
  private final Duration linger;

  EarlyAnswer(Vertx vertx, Duration linger) {
    this.vertx = vertx;
    this.linger = linger;
  }

  /** 413: the connection is not reused (HTTP/1.1), since the caller may send any amount more. */
  void tooLarge(HttpServerRequest request) {
    send(request, Reply.reason(413, TOO_LARGE), true);
  }

  /** 429 with {@code Retry-After: 1}: the replica has no room for this body now. */
  void shed(HttpServerRequest request, Reply reply) {
    request.response().putHeader("Retry-After", "1");
    send(request, reply, false);
  }

  private void send(HttpServerRequest request, Reply reply, boolean close) {
    HttpServerResponse response = request.response();
    if (response.ended() || response.closed()) {
      return;
    }
    boolean http1 = request.version() != HttpVersion.HTTP_2;
    close &= http1;
    request.handler(dropped -> { });
    response.setStatusCode(reply.status()).putHeader("Content-Type", "text/plain; charset=utf-8");
    if (close) {
      response.putHeader("Connection", "close");
    }
    Future<Void> written = response.end(Buffer.buffer(reply.body()));
    HttpConnection connection = request.connection();
    boolean closeWhenDone = close;
    Runnable bodyEnded = () -> {
      if (closeWhenDone) {
        written.onComplete(sent -> connection.close());
      }
    };
    if (request.isEnded()) {
      bodyEnded.run();
      return;
    }
    long timer = vertx.setTimer(Math.max(1, linger.toMillis()), t -> {
      if (http1) {
        connection.close();
      } else {
        response.reset(CANCEL);
      }
    });
    request.endHandler(done -> {
      vertx.cancelTimer(timer);
      bodyEnded.run();
    });
  }
}
