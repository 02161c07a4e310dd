package dev.triage.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop load generator: sends POSTs at a constant rate whatever the server does, over a
 * pool of HTTP/1.1 keep-alive TLS connections, and measures each latency from the request's
 * intended send time. A server that falls behind therefore shows its queueing in the figures
 * (no coordinated omission), which a closed-loop tool such as wrk hides.
 *
 * <p>Usage: {@code ConstantRate <host> <port> <path> <body.json> <rate/s> <seconds> <warmup seconds> <connections>}.
 * Prints one line: {@code rate=... ok=... errors=... p50_ms=... p99_ms=... p999_ms=... max_ms=...}
 * for the requests sent after the warm-up.
 */
public final class ConstantRate {
  private ConstantRate() {}

  public static void main(String[] args) throws Exception {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    String path = args[2];
    Buffer body = Buffer.buffer(Files.readAllBytes(Path.of(args[3])));
    int rate = Integer.parseInt(args[4]);
    int seconds = Integer.parseInt(args[5]);
    int warmup = Integer.parseInt(args[6]);
    int connections = Integer.parseInt(args[7]);

    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(1));
    HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions()
            .setSsl(true)
            .setTrustAll(true)
            .setVerifyHost(false)
            .setKeepAlive(true)
            .setSslEngineOptions(OpenSSLEngineOptions.isAvailable() ? new OpenSSLEngineOptions() : new JdkSSLEngineOptions()),
        new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(port)
        .setURI(path).putHeader("Content-Type", "application/json").setIdleTimeout(30_000);
    Context context = vertx.getOrCreateContext();

    int total = rate * (warmup + seconds);
    int first = rate * warmup;
    long[] latency = new long[total];
    boolean[] failed = new boolean[total];
    CountDownLatch done = new CountDownLatch(total);
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
    for (int i = 0; i < total; i++) {
      long intended = start + (long) i * 1_000_000_000L / rate;
      for (long wait = intended - System.nanoTime(); wait > 0; wait = intended - System.nanoTime()) {
        LockSupport.parkNanos(wait);
      }
      int n = i;
      context.runOnContext(v -> client.request(request)
          .compose(r -> r.send(body))
          .compose(response -> response.body().flatMap(b -> response.statusCode() == 200
              ? Future.succeededFuture(b) : Future.failedFuture("status " + response.statusCode())))
          .onComplete(result -> {
            latency[n] = System.nanoTime() - intended;
            failed[n] = result.failed();
            done.countDown();
          }));
    }
    long sendEnd = System.nanoTime();
    boolean finished = done.await(seconds + 60L, TimeUnit.SECONDS);
    double sendSeconds = (sendEnd - start) / 1e9;

    int errors = 0;
    long[] measured = new long[total - first];
    int count = 0;
    for (int i = first; i < total; i++) {
      if (failed[i] || latency[i] == 0) {
        errors++;
      } else {
        measured[count++] = latency[i];
      }
    }
    long[] sorted = Arrays.copyOf(measured, count);
    Arrays.sort(sorted);
    System.out.println(String.format(Locale.ROOT,
        "rate=%d sent_per_s=%.0f ok=%d errors=%d finished=%s p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f",
        rate, total / sendSeconds, count, errors, finished, ms(sorted, 0.50), ms(sorted, 0.99), ms(sorted, 0.999),
        sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6));
    client.close().await();
    vertx.close().await();
  }

  private static double ms(long[] sorted, double quantile) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int index = (int) Math.ceil(quantile * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
  }
}
