package dev.triage.server;

import dev.triage.admission.AdmissionRequest;
import dev.triage.admission.BadReviewException;
import dev.triage.admission.ReviewCodec;
import dev.triage.certs.PemFiles;
import dev.triage.certs.ServingCertificate;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.PemKeyCertOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The HTTPS door: {@code POST /validate}, {@code POST /mutate}, {@code GET /healthz},
 * {@code GET /readyz}, nothing else. Bodies are read on the event loop; rules are evaluated on
 * a worker so a slow rule never stalls other connections, and a review that cannot be decided
 * within the apiserver's {@code ?timeout=} gets an answer before the apiserver gives up.
 */
public final class AdmissionServer implements AutoCloseable {
  /** Timeout when the apiserver sends none: its own default for webhooks. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  static final Duration MAX_TIMEOUT = Duration.ofSeconds(30);

  public record Config(String host, int port, Path certificate, Path privateKey) {}

  private final Vertx vertx;
  private final ReviewHandler handler;
  private final BooleanSupplier rulesReady;
  private final Config config;
  private HttpServerOptions options;
  private HttpServer server;
  private volatile boolean listening;
  private volatile Supplier<String> readinessDetail = () -> "";

  public AdmissionServer(Vertx vertx, ReviewHandler handler, BooleanSupplier rulesReady, Config config) {
    this.vertx = vertx;
    this.handler = handler;
    this.rulesReady = rulesReady;
    this.config = config;
  }

  /** Starts listening; completes with the bound port (useful with port 0). */
  public Future<Integer> start() {
    options = new HttpServerOptions()
        .setHost(config.host())
        .setPort(config.port())
        .setSsl(true)
        .setUseAlpn(true)
        .setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"))
        .setKeyCertOptions(new PemKeyCertOptions()
            .setCertPath(config.certificate().toString())
            .setKeyPath(config.privateKey().toString()))
        .setMaxInitialLineLength(8 * 1024)
        .setMaxHeaderSize(16 * 1024)
        .setIdleTimeout(120)
        .setSslHandshakeTimeout(10);
    server = vertx.createHttpServer(options).requestHandler(this::route);
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
    PemKeyCertOptions keyCert = new PemKeyCertOptions()
        .setCertValue(Buffer.buffer(PemFiles.encodeCertificates(serving.chain())))
        .setKeyValue(Buffer.buffer(PemFiles.encodePrivateKey(serving.privateKey())));
    return server.updateSSLOptions(options.getSslOptions().copy().setKeyCertOptions(keyCert), true);
  }

  /** Text appended to the {@code /readyz} answer, e.g. how long the certificates have left. */
  public void readinessDetail(Supplier<String> detail) {
    readinessDetail = detail;
  }

  public boolean ready() {
    return listening && rulesReady.getAsBoolean();
  }

  private void route(HttpServerRequest request) {
    String path = request.path();
    switch (path) {
      case "/healthz" -> probe(request, true, "");
      case "/readyz" -> probe(request, ready(), readinessDetail.get());
      case "/validate" -> review(request, Endpoint.VALIDATE);
      case "/mutate" -> review(request, Endpoint.MUTATE);
      default -> text(request.response(), 404, "not found: Triage serves POST /validate, POST /mutate,"
          + " GET /healthz and GET /readyz");
    }
  }

  private void probe(HttpServerRequest request, boolean ok, String detail) {
    if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
      request.response().putHeader("Allow", "GET");
      text(request.response(), 405, "method not allowed: use GET");
      return;
    }
    text(request.response(), ok ? 200 : 503, (ok ? "ok" : "not ready") + (detail.isEmpty() ? "" : "\n" + detail));
  }

  private void review(HttpServerRequest request, Endpoint endpoint) {
    HttpServerResponse response = request.response();
    if (request.method() != HttpMethod.POST) {
      response.putHeader("Allow", "POST");
      text(response, 405, "method not allowed: " + endpoint.path() + " takes POST with an AdmissionReview");
      return;
    }
    String contentType = request.getHeader("Content-Type");
    if (contentType == null || !contentType.toLowerCase().startsWith("application/json")) {
      text(response, 415, "unsupported content type: send application/json");
      return;
    }
    String length = request.getHeader("Content-Length");
    if (length != null && tooLarge(length)) {
      tooLarge(request);
      return;
    }
    Buffer body = Buffer.buffer();
    request.handler(chunk -> {
      if (body.length() + chunk.length() > ReviewCodec.MAX_BODY_BYTES) {
        if (!response.ended()) {
          tooLarge(request);
        }
      } else {
        body.appendBuffer(chunk);
      }
    });
    request.endHandler(done -> {
      if (!response.ended()) {
        decide(request, endpoint, body.getBytes());
      }
    });
  }

  private void decide(HttpServerRequest request, Endpoint endpoint, byte[] body) {
    HttpServerResponse response = request.response();
    AdmissionRequest admission;
    try {
      admission = handler.parse(endpoint, body);
    } catch (BadReviewException e) {
      text(response, e.status(), e.getMessage());
      return;
    }
    Duration timeout = timeout(request.getParam("timeout"));
    // Stop evaluating at 80% of the apiserver's timeout; answer by 90% at the latest.
    Duration budget = timeout.multipliedBy(8).dividedBy(10);
    long answerBy = Math.max(1, timeout.multipliedBy(9).dividedBy(10).toMillis());
    long timer = vertx.setTimer(answerBy, t -> send(response, handler.timedOut(endpoint, admission, timeout)));
    vertx.<Reply>executeBlocking(() -> handler.decide(endpoint, admission, budget), false)
        .onComplete(result -> {
          vertx.cancelTimer(timer);
          if (result.succeeded()) {
            send(response, result.result());
          } else {
            send(response, handler.timedOut(endpoint, admission, timeout));
          }
        });
  }

  private static Duration timeout(String param) {
    Duration parsed = GoDuration.parse(param);
    if (parsed == null) {
      return DEFAULT_TIMEOUT;
    }
    return parsed.compareTo(MAX_TIMEOUT) > 0 ? MAX_TIMEOUT : parsed;
  }

  private static boolean tooLarge(String contentLength) {
    try {
      return Long.parseLong(contentLength.trim()) > ReviewCodec.MAX_BODY_BYTES;
    } catch (NumberFormatException e) {
      return false; // the body is counted as it arrives
    }
  }

  private static void tooLarge(HttpServerRequest request) {
    // Close after answering: the rest of an oversized body is not worth reading.
    request.response().putHeader("Connection", "close");
    text(request.response(), 413, "request body exceeds the 3 MiB limit of an AdmissionReview");
  }

  private static void send(HttpServerResponse response, Reply reply) {
    if (response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(reply.status())
        .putHeader("Content-Type", reply.json() ? "application/json" : "text/plain; charset=utf-8")
        .end(Buffer.buffer(reply.body()));
  }

  private static void text(HttpServerResponse response, int status, String text) {
    send(response, Reply.reason(status, text));
  }

  @Override
  public void close() {
    listening = false;
    if (server != null) {
      server.close().await();
    }
  }
}
