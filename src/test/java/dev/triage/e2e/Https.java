package dev.triage.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/** HTTPS to the servers under test: a client trusting one CA, and a poll until a URL answers. */
final class Https {
  private Https() {}

  static HttpClient trusting(Path caPem) throws Exception {
    return HttpClient.newBuilder().sslContext(KubeApiServer.trusting(caPem)).build();
  }

  /** A GET of {@code url}, each attempt bounded by two seconds. */
  static HttpRequest get(String url, String... headers) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2));
    if (headers.length > 0) {
      builder.headers(headers);
    }
    return builder.build();
  }

  /**
   * Sends {@code request} every 100 ms until it answers 200; an attempt that cannot connect or
   * complete its handshake counts as not yet. {@code stillAlive} may give up early by throwing.
   *
   * @throws IllegalStateException naming {@code what} when {@code limit} passes
   */
  static void awaitOk(HttpClient client, HttpRequest request, Duration limit, Runnable stillAlive, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      stillAlive.run();
      try {
        if (client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening, or not yet with the certificate the client trusts
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(what + " within " + limit.toSeconds() + " s");
  }
}
