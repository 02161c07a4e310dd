package dev.triage.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What a quiet cluster sees from a new replica: starts a server process, polls {@code /readyz}
 * every 10 ms on fresh connections (as the kubelet does) and, once it answers 200, sends
 * {@code count} reviews over one new keep-alive TLS connection (as the apiserver does), each
 * {@code gap} ms after the previous one was sent. The client warms itself first against a server
 * of its own in this JVM, so its own cold code does not count against the server.
 *
 * <p>Usage: {@code ColdStart <port> <path> <body.json> <cert.pem> <key.pem> <runs> <log> -- <server command...>}.
 * Prints one line per run and a last line with the median of each figure over the runs:
 * {@code ready_ms=... first_ms=... median_ms=... max_ms=...}, where {@code ready_ms} is from
 * launching the process to the first 200 from {@code /readyz}, {@code first_ms} the first review
 * (TLS handshake included) and {@code median_ms}/{@code max_ms} those of reviews 2 to {@code count}.
 */
public final class ColdStart {
  private static final int COUNT = 100;
  private static final long GAP_MS = 20;

  private ColdStart() {}

  record Run(double readyMs, double firstMs, double medianMs, double maxMs) {
    String line() {
      return String.format(Locale.ROOT, "ready_ms=%.0f first_ms=%.2f median_ms=%.3f max_ms=%.2f", readyMs, firstMs,
          medianMs, maxMs);
    }
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    String path = args[1];
    Buffer body = Buffer.buffer(Files.readAllBytes(Path.of(args[2])));
    String cert = args[3];
    String key = args[4];
    int runs = Integer.parseInt(args[5]);
    File log = new File(args[6]);
    List<String> command = Arrays.asList(args).subList(Arrays.asList(args).indexOf("--") + 1, args.length);

    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    warmSelf(vertx, cert, key, path, body);

    List<Run> results = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      Run run = once(vertx, command, log, port, path, body);
      System.out.println(run.line());
      results.add(run);
    }
    System.out.println("median " + new Run(median(results, Run::readyMs), median(results, Run::firstMs),
        median(results, Run::medianMs), median(results, Run::maxMs)).line());
    vertx.close().await();
  }

  private static Run once(Vertx vertx, List<String> command, File log, int port, String path, Buffer body)
      throws Exception {
    HttpClientAgent probes = client(vertx, false);
    long launched = System.nanoTime();
    Process server = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start();
    try {
      RequestOptions readyz = new RequestOptions().setHost("127.0.0.1").setPort(port).setURI("/readyz");
      while (true) {
        if (!server.isAlive()) {
          throw new IllegalStateException("the server exited with " + server.exitValue() + "; see " + log);
        }
        Integer status = probes.request(readyz).compose(r -> r.send()).compose(r -> r.body().map(b -> r.statusCode()))
            .otherwise(0).await();
        if (status == 200) {
          break;
        }
        Thread.sleep(10);
      }
      double readyMs = (System.nanoTime() - launched) / 1e6;
      HttpClientAgent apiserver = client(vertx, true);
      RequestOptions post = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
          .setURI(path + "?timeout=10s").putHeader("Content-Type", "application/json");
      long[] latency = new long[COUNT];
      long next = System.nanoTime();
      for (int i = 0; i < COUNT; i++) {
        for (long wait = next - System.nanoTime(); wait > 0; wait = next - System.nanoTime()) {
          LockSupport.parkNanos(wait);
        }
        long sent = System.nanoTime();
        next = sent + TimeUnit.MILLISECONDS.toNanos(GAP_MS);
        int status = apiserver.request(post).compose(r -> r.send(body))
            .compose(r -> r.body().map(b -> r.statusCode())).await();
        latency[i] = System.nanoTime() - sent;
        if (status != 200) {
          throw new IllegalStateException("review " + (i + 1) + " answered " + status);
        }
      }
      apiserver.close().await();
      long[] rest = Arrays.copyOfRange(latency, 1, COUNT);
      Arrays.sort(rest);
      return new Run(readyMs, latency[0] / 1e6, rest[rest.length / 2] / 1e6, rest[rest.length - 1] / 1e6);
    } finally {
      probes.close().await();
      server.destroy();
      server.waitFor(30, TimeUnit.SECONDS);
      server.destroyForcibly();
    }
  }

  /** Runs this client's own code paths hot against a server in this JVM. */
  private static void warmSelf(Vertx vertx, String cert, String key, String path, Buffer body) {
    int port = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setSsl(true)
            .setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert).setKeyPath(key))
            .setSslEngineOptions(sslEngine()))
        .requestHandler(request -> request.body().onSuccess(b -> request.response().end("{}")))
        .listen().await().actualPort();
    RequestOptions post = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
        .setURI(path).putHeader("Content-Type", "application/json");
    for (int round = 0; round < 20; round++) {
      HttpClientAgent fresh = client(vertx, true);
      for (int i = 0; i < 100; i++) {
        fresh.request(post).compose(r -> r.send(body)).compose(r -> r.body()).await();
      }
      fresh.close().await();
    }
  }

  private static HttpClientAgent client(Vertx vertx, boolean keepAlive) {
    return vertx.createHttpClient(new HttpClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false)
        .setKeepAlive(keepAlive).setSslEngineOptions(sslEngine()), new PoolOptions().setHttp1MaxSize(1));
  }

  private static io.vertx.core.net.SSLEngineOptions sslEngine() {
    return OpenSSLEngineOptions.isAvailable() ? new OpenSSLEngineOptions() : new JdkSSLEngineOptions();
  }

  private static double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> figure) {
    double[] values = runs.stream().mapToDouble(figure).sorted().toArray();
    return values[values.length / 2];
  }
}
