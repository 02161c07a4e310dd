package dev.triage.server;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import java.time.Duration;

/**
 * Answers 429 with {@code Retry-After: 1} to a review that does not fit the replica's
 * {@link InflightBytes}, without reading its body into memory.
 *
 * <p>HTTP/1.1: the connection stays open for the next request, so the rest of the body is read and
 * dropped; a body that has not ended after {@code linger} closes the connection. HTTP/2: the
 * answer goes on the stream, which is then reset with {@code NO_ERROR} so the client stops sending;
 * the connection and its other streams carry on.
 */
final class Shed {
  /** RFC 9113 error code 0x0: the stream is no longer needed. */
  private static final long NO_ERROR = 0;

  private final Vertx vertx;
  private final Duration linger;

  Shed(Vertx vertx, Duration linger) {
    this.vertx = vertx;
    this.linger = linger;
  }

  void answer(HttpServerRequest request, Reply reply) {
    HttpServerResponse response = request.response();
    request.handler(dropped -> { });
    response.setStatusCode(reply.status())
        .putHeader("Content-Type", "text/plain; charset=utf-8")
        .putHeader("Retry-After", "1");
    if (request.version() == HttpVersion.HTTP_2) {
      request.endHandler(done -> { });
      response.end(Buffer.buffer(reply.body())).onComplete(written -> response.reset(NO_ERROR));
      return;
    }
    response.end(Buffer.buffer(reply.body()));
    if (request.isEnded()) {
      return;
    }
    HttpConnection connection = request.connection();
    long timer = vertx.setTimer(Math.max(1, linger.toMillis()), t -> connection.close());
    request.endHandler(done -> vertx.cancelTimer(timer));
  }
}
