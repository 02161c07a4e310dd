package dev.triage.server;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * {@code GET /metrics} in Prometheus' text format, over plain HTTP on its own port: scrapers need
 * no certificate, and the admission port serves the apiserver only.
 */
public final class MetricsServer implements AutoCloseable {
  private static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";

  private final Vertx vertx;
  private final Metrics metrics;
  private final String host;
  private final int port;
  private HttpServer server;

  public MetricsServer(Vertx vertx, Metrics metrics, String host, int port) {
    this.vertx = vertx;
    this.metrics = metrics;
    this.host = host;
    this.port = port;
  }

  /** Starts listening; completes with the bound port. */
  public Future<Integer> start() {
    server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port)).requestHandler(this::route);
    return server.listen().map(HttpServer::actualPort);
  }

  private void route(HttpServerRequest request) {
    if (!request.path().equals("/metrics")) {
      request.response().setStatusCode(404).end("not found: the metrics port serves GET /metrics\n");
      return;
    }
    if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
      request.response().putHeader("Allow", "GET").setStatusCode(405).end("method not allowed: use GET\n");
      return;
    }
    // Gauges may read files (the certificate's expiry): scrape off the event loop.
    vertx.executeBlocking(metrics::scrape, false).onComplete(scraped -> {
      if (scraped.succeeded()) {
        request.response().putHeader("Content-Type", TEXT_FORMAT).end(scraped.result());
      } else {
        request.response().setStatusCode(500).end("metrics could not be gathered\n");
      }
    });
  }

  @Override
  public void close() {
    if (server != null) {
      server.close().await();
    }
  }
}
