package dev.triage.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * The floor: the least an admission webhook on this stack can do. Reads the whole body and
 * answers every POST with the same AdmissionReview bytes, on the event loop, with Triage's TLS
 * and transport settings (TLS 1.2/1.3, ALPN, BoringSSL and epoll when they load). Every Triage
 * figure is read as a fraction of this one.
 *
 * <p>Usage: {@code Floor <port> <cert.pem> <key.pem> <answer.json>}
 */
public final class Floor {
  private Floor() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    byte[] answer = Files.readAllBytes(Path.of(args[3]));
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    HttpServerOptions options = new HttpServerOptions()
        .setHost("0.0.0.0")
        .setPort(port)
        .setSsl(true)
        .setUseAlpn(true)
        .setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"))
        .setSslEngineOptions(OpenSSLEngineOptions.isAvailable() ? new OpenSSLEngineOptions() : new JdkSSLEngineOptions())
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(args[1]).setKeyPath(args[2]))
        .setIdleTimeout(120);
    vertx.createHttpServer(options).requestHandler(request -> {
      if (request.path().equals("/readyz")) {
        request.response().end("ok\n");
        return;
      }
      request.body().onSuccess(body -> request.response()
          .putHeader("Content-Type", "application/json")
          .end(Buffer.buffer(answer)));
    }).listen().await();
    System.out.printf("floor listening on %d (transport %s, TLS engine %s)%n", port,
        vertx.isNativeTransportEnabled() ? "native" : "nio", OpenSSLEngineOptions.isAvailable() ? "openssl" : "jdk");
  }
}
