package dev.triage.server;

import dev.triage.admission.AdmissionRequest;
import dev.triage.admission.BadReviewException;
import dev.triage.admission.ReviewCodec;
import dev.triage.certs.PemFiles;
import dev.triage.certs.ServingCertificate;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The HTTPS door: {@code POST /validate}, {@code POST /mutate}, {@code GET /healthz},
 * {@code GET /readyz}, nothing else. Event loops only move bytes: a review is parsed and decided on
 * a worker, so neither a slow rule nor a large body stalls other connections, and a review that
 * cannot be decided within the apiserver's {@code ?timeout=} gets an answer before the apiserver
 * gives up. The bodies being read, parsed or decided share one budget of bytes
 * ({@link Limits#maxInflightBytes()}); a review beyond it is answered 429 unread.
 *
 * <p>With a client CA, the admission paths answer only callers presenting a certificate it
 * signed (the apiserver); the probes stay open to the kubelet, which presents none. Once
 * {@link #drain()} is called the server reports not ready and closes each HTTP/1.1 connection
 * after its next answer, so callers move to other replicas before {@link #shutdown} stops it.
 */
public final class AdmissionServer implements AutoCloseable {
  /** Timeout when the apiserver sends none: its own default for webhooks. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  static final Duration MAX_TIMEOUT = Duration.ofSeconds(30);

  /**
   * @param clientCa PEM bundle of the CAs whose client certificates may call the admission paths,
   *     or null to accept any caller
   */
  public record Config(String host, int port, Path certificate, Path privateKey, Path clientCa, Limits limits) {
    public Config(String host, int port, Path certificate, Path privateKey) {
      this(host, port, certificate, privateKey, null, Limits.DEFAULT);
    }
  }

  private final Vertx vertx;
  private final ReviewHandler handler;
  private final BooleanSupplier rulesReady;
  private final Config config;
  private final InflightBytes inflight;
  private final EarlyAnswer early;
  private HttpServerOptions options;
  private final List<ReadinessCheck> readinessChecks = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger reviewsInFlight = new AtomicInteger();
  /** HTTP/1.x connections between answers, each with the timer that closes it if no request comes. */
  private final Map<HttpConnection, Long> awaiting = new ConcurrentHashMap<>();
  private HttpServer server;
  private volatile boolean listening;
  private volatile boolean draining;

  public AdmissionServer(Vertx vertx, ReviewHandler handler, BooleanSupplier rulesReady, Config config) {
    this.vertx = vertx;
    this.handler = handler;
    this.rulesReady = rulesReady;
    this.config = config;
    this.inflight = new InflightBytes(config.limits().maxInflightBytes());
    // The rest of a body answered early is read and dropped for at most as long as a body may take.
    this.early = new EarlyAnswer(vertx, config.limits().readTimeout());
    handler.inflight(inflight);
  }

  /** Starts listening; completes with the bound port (useful with port 0). */
  public Future<Integer> start() {
    Limits limits = config.limits();
    ServingCertificate serving;
    try {
      serving = PemFiles.loadPair(config.certificate(), config.privateKey());
    } catch (IOException | RuntimeException e) {
      return Future.failedFuture(e);
    }
    options = new HttpServerOptions()
        .setHost(config.host())
        .setPort(config.port())
        .setSsl(true)
        .setUseAlpn(true)
        .setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"))
        // BoringSSL (netty-tcnative) when its native library loads: cheaper handshakes and records.
        .setSslEngineOptions(OpenSSLEngineOptions.isAvailable() ? new OpenSSLEngineOptions() : new JdkSSLEngineOptions())
        .setKeyCertOptions(KeyMaterial.of(serving))
        .setMaxInitialLineLength(8 * 1024)
        .setMaxHeaderSize(limits.maxHeaderBytes())
        .setInitialSettings(new Http2Settings()
            .setMaxHeaderListSize(limits.maxHeaderBytes())
            .setMaxConcurrentStreams(100))
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setIdleTimeout((int) limits.idleTimeout().toMillis())
        .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS)
        .setSslHandshakeTimeout(limits.readTimeout().toMillis());
    if (config.clientCa() != null) {
      // REQUEST, not REQUIRED: a presented certificate must chain to the CA or the handshake
      // fails, but the kubelet's probes present none and must still reach /healthz and /readyz.
      options.setClientAuth(ClientAuth.REQUEST)
          .setTrustOptions(new PemTrustOptions().addCertPath(config.clientCa().toString()));
    }
    server = vertx.createHttpServer(options)
        .connectionHandler(this::connected)
        .requestHandler(this::route);
    return server.listen().map(s -> {
      listening = true;
      return s.actualPort();
    });
  }

  /**
   * Presents {@code serving} in every TLS handshake from now on. The listening socket stays open
   * and connections already established finish on the certificate they started with.
   */
  public Future<Boolean> useCertificate(ServingCertificate serving) {
    return server.updateSSLOptions(options.getSslOptions().copy().setKeyCertOptions(KeyMaterial.of(serving)), true);
  }

  /**
   * Adds a condition of readiness, e.g. a certificate that has not expired; its detail line is
   * appended to the {@code /readyz} answer.
   */
  public void readinessCheck(ReadinessCheck check) {
    readinessChecks.add(check);
  }

  /** Open connections right now. */
  public int connections() {
    return connections.get();
  }

  /** Reviews read and not yet answered. */
  public int reviewsInFlight() {
    return reviewsInFlight.get();
  }

  /**
   * Starts draining: readiness turns false, so endpoints stop sending new connections here, and
   * every answer from now on closes its HTTP/1.1 connection ({@code Connection: close}), so
   * keep-alive callers reconnect to another replica. Reviews are still answered meanwhile.
   */
  public void drain() {
    draining = true;
  }

  /**
   * Stops accepting connections, lets in-flight reviews finish for at most {@code grace}, then
   * closes every connection. Completes when the server is closed.
   */
  public Future<Void> shutdown(Duration grace) {
    drain();
    listening = false;
    if (server == null) {
      return Future.succeededFuture();
    }
    // Vert.x's own shutdown does not wait for work handed to a worker, so wait for the answers
    // first; the connections, idle by then, are closed after.
    long deadline = System.nanoTime() + grace.toNanos();
    Promise<Void> answered = Promise.promise();
    awaitAnswers(deadline, answered);
    return answered.future()
        .compose(done -> server.shutdown(Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))));
  }

  private void awaitAnswers(long deadline, Promise<Void> answered) {
    if (reviewsInFlight.get() == 0 || System.nanoTime() - deadline >= 0) {
      answered.complete();
    } else {
      vertx.setTimer(10, t -> awaitAnswers(deadline, answered));
    }
  }

  private void connected(HttpConnection connection) {
    if (connections.incrementAndGet() > config.limits().maxConnections()) {
      connections.decrementAndGet();
      connection.close();
      return;
    }
    connection.closeHandler(closed -> {
      connections.decrementAndGet();
      requestArrived(connection);
    });
    awaitRequest(connection, config.limits().readTimeout());
  }

  /**
   * Gives an HTTP/1.x connection {@code within} to deliver its next request head, then closes it.
   * Vert.x's idle timeout alone would let a client trickle one byte at a time for ever. (HTTP/2
   * multiplexes streams; its idle timeout and stream limits apply instead.)
   */
  private void awaitRequest(HttpConnection connection, Duration within) {
    long timer = vertx.setTimer(within.toMillis(), t -> {
      if (awaiting.remove(connection) != null) {
        connection.close();
      }
    });
    Long previous = awaiting.put(connection, timer);
    if (previous != null) {
      vertx.cancelTimer(previous);
    }
  }

  private void requestArrived(HttpConnection connection) {
    Long timer = awaiting.remove(connection);
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
  }

  public boolean ready() {
    return listening && !draining && rulesReady.getAsBoolean()
        && readinessChecks.stream().allMatch(ReadinessCheck::ready);
  }

  private void route(HttpServerRequest request) {
    HttpConnection connection = request.connection();
    requestArrived(connection);
    // The body's share of the bytes in flight; held only by reviews, and given back when the
    // response is done with (answered, or its connection or stream gone).
    IncomingBody body = new IncomingBody(inflight);
    boolean http1 = request.version() != HttpVersion.HTTP_2;
    request.response().closeHandler(gone -> body.answered());
    request.response().endHandler(answered -> {
      body.answered();
      // One request at a time: the next head must come within the idle timeout of this answer.
      if (http1 && !draining) {
        awaitRequest(connection, config.limits().idleTimeout());
      }
    });
    String path = request.path();
    switch (path) {
      case "/healthz" -> probe(request, true, "");
      case "/readyz" -> probe(request, ready(),
          String.join("\n", readinessChecks.stream().map(ReadinessCheck::detail).toList()));
      case "/validate" -> review(request, Endpoint.VALIDATE, body);
      case "/mutate" -> review(request, Endpoint.MUTATE, body);
      default -> text(request, 404, "not found: Triage serves POST /validate, POST /mutate,"
          + " GET /healthz and GET /readyz");
    }
  }

  private void probe(HttpServerRequest request, boolean ok, String detail) {
    if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
      request.response().putHeader("Allow", "GET");
      text(request, 405, "method not allowed: use GET");
      return;
    }
    text(request, ok ? 200 : 503, (ok ? "ok" : "not ready") + (detail.isEmpty() ? "" : "\n" + detail));
  }

  private void review(HttpServerRequest request, Endpoint endpoint, IncomingBody body) {
    HttpServerResponse response = request.response();
    if (request.method() != HttpMethod.POST) {
      response.putHeader("Allow", "POST");
      text(request, 405, "method not allowed: " + endpoint.path() + " takes POST with an AdmissionReview");
      return;
    }
    if (config.clientCa() != null && !hasClientCertificate(request)) {
      text(request, 401, "client certificate required: " + endpoint.path()
          + " answers only callers with a certificate from the configured client CA");
      return;
    }
    String contentType = request.getHeader("Content-Type");
    if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      text(request, 415, "unsupported content type: send application/json");
      return;
    }
    long length = contentLength(request.getHeader("Content-Length"));
    if (length > ReviewCodec.MAX_BODY_BYTES) {
      early.tooLarge(request);
      return;
    }
    if (length >= 0 && !body.expect(length)) {
      early.shed(request, handler.shed(endpoint, inflight.limit()));
      return;
    }
    long slowBody = vertx.setTimer(config.limits().readTimeout().toMillis(), t -> {
      if (!response.ended()) {
        response.putHeader("Connection", "close");
        text(request, 408, "request body did not arrive within " + config.limits().readTimeout().toMillis() + " ms");
      }
    });
    request.handler(chunk -> {
      if (response.ended() || response.closed()) {
        return; // answered already (408, 413, 429), or the caller has gone: the rest is dropped
      }
      if (body.length() + chunk.length() > ReviewCodec.MAX_BODY_BYTES) {
        early.tooLarge(request);
      } else if (!body.append(chunk)) {
        vertx.cancelTimer(slowBody);
        early.shed(request, handler.shed(endpoint, inflight.limit()));
      }
    });
    request.endHandler(done -> {
      vertx.cancelTimer(slowBody);
      if (!response.ended()) {
        parseAndDecide(request, endpoint, body);
      }
    });
  }

  /**
   * Parses on a worker (a large body takes tens of milliseconds), then decides on a worker within
   * the apiserver's timeout. The body's share of the bytes in flight is held until both the answer
   * is done with and the work on it has finished.
   */
  private void parseAndDecide(HttpServerRequest request, Endpoint endpoint, IncomingBody body) {
    HttpServerResponse response = request.response();
    reviewsInFlight.incrementAndGet();
    AtomicBoolean inFlight = new AtomicBoolean(true);
    Runnable answered = () -> {
      if (inFlight.getAndSet(false)) {
        reviewsInFlight.decrementAndGet();
      }
    };
    response.closeHandler(gone -> {
      body.answered(); // in place of route's close handler
      answered.run();
    });
    byte[] bytes = body.take();
    body.retain();
    Runnable finished = () -> {
      body.release();
      answered.run();
    };
    vertx.<AdmissionRequest>executeBlocking(() -> handler.parse(endpoint, bytes), false).onComplete(parsed -> {
      if (parsed.failed()) {
        if (parsed.cause() instanceof BadReviewException bad) {
          text(request, bad.status(), bad.getMessage());
        } else {
          text(request, 500, "Triage failed to read this review (an internal error)");
        }
        finished.run();
      } else if (response.ended() || response.closed()) {
        finished.run(); // the caller has gone
      } else {
        decide(request, endpoint, parsed.result(), answered, finished);
      }
    });
  }

  /** @param answered the review has its answer; @param finished the work on it has finished too */
  private void decide(HttpServerRequest request, Endpoint endpoint, AdmissionRequest admission, Runnable answered,
      Runnable finished) {
    Duration timeout = timeout(request.getParam("timeout"));
    // Stop evaluating at 80% of the apiserver's timeout; answer by 90% at the latest.
    Duration budget = timeout.multipliedBy(8).dividedBy(10);
    long answerBy = Math.max(1, timeout.multipliedBy(9).dividedBy(10).toMillis());
    Answer answer = new Answer();
    long timer = vertx.setTimer(answerBy, t -> {
      Reply late = handler.timedOut(endpoint, admission, timeout, answer);
      if (late != null) {
        send(request, late);
      }
      answered.run();
    });
    vertx.<Reply>executeBlocking(() -> handler.decide(endpoint, admission, budget, answer), false)
        .onComplete(result -> {
          vertx.cancelTimer(timer);
          Reply reply = result.succeeded() ? result.result()
              : handler.failed(endpoint, admission, result.cause(), answer);
          if (reply != null) { // null: the deadline answered first
            send(request, reply);
          }
          finished.run();
        });
  }

  private static boolean hasClientCertificate(HttpServerRequest request) {
    try {
      // The TLS layer has already checked any certificate presented against the client CA.
      return !request.connection().peerCertificates().isEmpty();
    } catch (SSLPeerUnverifiedException e) {
      return false;
    }
  }

  private static Duration timeout(String param) {
    Duration parsed = GoDuration.parse(param);
    if (parsed == null) {
      return DEFAULT_TIMEOUT;
    }
    return parsed.compareTo(MAX_TIMEOUT) > 0 ? MAX_TIMEOUT : parsed;
  }

  /** The declared body length, or -1 when none is declared: the body is then counted as it arrives. */
  private static long contentLength(String header) {
    if (header == null) {
      return -1;
    }
    try {
      long length = Long.parseLong(header.trim());
      return length < 0 ? -1 : length;
    } catch (NumberFormatException e) {
      return -1;
    }
  }


  private void send(HttpServerRequest request, Reply reply) {
    HttpServerResponse response = request.response();
    if (response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(reply.status())
        .putHeader("Content-Type", reply.json() ? "application/json" : "text/plain; charset=utf-8");
    boolean close = request.version() != HttpVersion.HTTP_2
        && (draining || "close".equalsIgnoreCase(response.headers().get("Connection")));
    if (close) {
      response.putHeader("Connection", "close");
    }
    Future<Void> written = response.end(Buffer.buffer(reply.body()));
    if (close) {
      // Closed once the answer is on the wire, so the caller reads all of it first.
      written.onComplete(done -> request.connection().close());
    }
  }

  private void text(HttpServerRequest request, int status, String text) {
    send(request, Reply.reason(status, text));
  }

  @Override
  public void close() {
    listening = false;
    if (server != null) {
      server.close().await();
    }
  }
}
