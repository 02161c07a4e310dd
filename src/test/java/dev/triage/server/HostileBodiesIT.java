package dev.triage.server;

import static dev.triage.server.Reviews.bytes;
import static dev.triage.server.Reviews.pod;
import static dev.triage.server.Reviews.uid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.triage.certs.PemFiles;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica as it runs in the cluster ({@code java @webhook/jvm.options}: a 128 MiB heap that
 * exits on OutOfMemoryError) takes many 3 MiB hostile bodies at once, over many HTTP/1.1
 * connections and multiplexed HTTP/2 streams, while good reviews keep coming. It stays up, every
 * request gets an answer, and good reviews are decided throughout and after.
 */
class HostileBodiesIT {
  private static final int HOSTILE = 64;
  private static final int MIB = 1024 * 1024;

  Process serve;
  Path stdout;
  Path stderr;
  Path certs;
  int port;
  SSLContext trust;
  /** The answer to the good review before any hostile body was sent. */
  String idleAnswer;

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    stdout = dir.resolve("stdout");
    stderr = dir.resolve("stderr");
    certs = dir.resolve("certs");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    serve = new ProcessBuilder(java, "@webhook/jvm.options", "-jar", "target/triage.jar", "serve",
        "--rules", "rules", "--host", "127.0.0.1", "--port", String.valueOf(port), "--metrics-port", "0",
        "--dev-certs", certs.toString(), "--shutdown-delay", "100ms", "--shutdown-timeout", "1s",
        // Sixty-four 3 MiB uploads at once through the JDK's TLS can take longer than the default 10 s
        // on a loaded machine; a sender slower than this gets 408, or loses a 429 to the bounded drain.
        "--read-timeout", "60s")
        .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!Files.exists(certs.resolve("ca.crt")) || !ready()) {
      assertTrue(serve.isAlive(), "triage exited: " + Files.readString(stderr));
      assertTrue(System.nanoTime() < deadline, "not ready within 90 s: " + Files.readString(stderr));
      Thread.sleep(100);
    }
  }

  private boolean ready() {
    try {
      if (trust == null) {
        trust = RunningServer.trusting(PemFiles.readCertificates(certs.resolve("ca.crt")).get(0));
      }
      return client(HttpClient.Version.HTTP_1_1).send(HttpRequest.newBuilder(uri("/readyz")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
    } catch (Exception e) {
      return false; // not listening yet, or the CA half written
    }
  }

  @AfterEach
  void stop() throws Exception {
    serve.destroy();
    if (!serve.waitFor(20, TimeUnit.SECONDS)) {
      serve.destroyForcibly();
    }
  }

  @Test
  void manyLargeHostileBodiesAtOnceNeitherKillTheReplicaNorLoseAGoodReview() throws Exception {
    HttpClient http11 = client(HttpClient.Version.HTTP_1_1);
    HttpClient http2 = client(HttpClient.Version.HTTP_2);
    assertEquals("200", goodReview(http11));
    assertTrue(idleAnswer.contains("\"allowed\":false") && idleAnswer.contains("require-mesh-mtls"), idleAnswer);
    List<byte[]> shapes = List.of(
        hostileReview("{}"),                        // a million tokens of empty objects: refused by the token limit
        hostileGarbage("[]"),                       // not an AdmissionReview, and the token limit
        hostileGarbage("\"a\""),                    // parses whole (the most heap per byte), then no review
        hostileGarbage("\"b\""));
    ExecutorService pool = Executors.newFixedThreadPool(HOSTILE + 4);
    Vertx vertx = Vertx.vertx();
    try {
      // Go's HTTP/2 client, as the apiserver's, takes a stream reset after a whole answer as the end of
      // that stream; the JDK's (17) waits for ever, so hostile streams go through Vert.x's.
      HttpClientAgent multiplexed = vertx.createHttpClient(new HttpClientOptions()
          .setProtocolVersion(HttpVersion.HTTP_2).setUseAlpn(true).setSsl(true)
          .setTrustOptions(new PemTrustOptions().addCertPath(certs.resolve("ca.crt").toString())));
      RequestOptions validate = new RequestOptions().setMethod(HttpMethod.POST).setHost("localhost").setPort(port)
          .setURI("/validate?timeout=10s").putHeader("Content-Type", "application/json");
      AtomicBoolean storm = new AtomicBoolean(true);
      ConcurrentLinkedQueue<String> goodAnswers = new ConcurrentLinkedQueue<>();
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Integer>> hostile = new ArrayList<>();
      for (int i = 0; i < HOSTILE; i++) {
        byte[] body = shapes.get(i % shapes.size());
        // Two in three over their own HTTP/1.1 connections, the rest as streams of one HTTP/2 connection.
        boolean overHttp2 = i % 3 == 2;
        HttpClient client = HttpClient.newBuilder().sslContext(trust)
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(30)).build();
        hostile.add(pool.submit(() -> {
          go.await();
          return overHttp2 ? post(multiplexed, validate, body) : post(client, body).statusCode();
        }));
      }
      List<Future<?>> good = new ArrayList<>();
      for (HttpClient client : List.of(http11, http2)) {
        good.add(pool.submit(() -> {
          go.await();
          do {
            goodAnswers.add(goodReview(client));
          } while (storm.get());
          return null;
        }));
      }
      go.countDown();
      for (Future<Integer> answer : hostile) {
        int status = answered(answer);
        // 408: a sender too slow even for the 60 s --read-timeout.
        assertTrue(Set.of(400, 408, 413, 429).contains(status), "a hostile body was answered " + status);
      }
      storm.set(false);
      for (Future<?> g : good) {
        answered(g);
      }
      assertTrue(serve.isAlive(), "the replica died: " + Files.readString(stdout) + Files.readString(stderr));
      assertTrue(goodAnswers.size() >= 2, "good reviews were sent during the storm: " + goodAnswers);
      for (String answer : goodAnswers) {
        assertTrue(answer.equals("200") || answer.equals("429"), "a good review during the storm: " + answer);
      }
      for (int i = 0; i < 10; i++) {
        assertEquals("200", goodReview(i % 2 == 0 ? http11 : http2), "a good review after the storm");
      }
      assertTrue(serve.isAlive(), "the replica died: " + Files.readString(stderr));
    } finally {
      pool.shutdownNow();
      vertx.close().await();
    }
  }

  /** What the request got; a request without an answer fails the test, saying whether the replica still runs. */
  private <T> T answered(Future<T> request) throws Exception {
    try {
      return request.get(120, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("a request got no answer (" + e.getCause() + "); the replica "
          + (serve.isAlive() ? "is alive" : "exited with " + serve.waitFor()) + "; its last lines: "
          + tail(stdout) + tail(stderr), e.getCause());
    }
  }

  private static String tail(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 5), lines.size())) + "\n";
  }

  /**
   * "200" when a good review is answered as it is on an idle server (the shipped rules deny this pod,
   * naming the same rules every time), "429" when shed, else what came.
   */
  private String goodReview(HttpClient client) throws Exception {
    String uid = uid();
    HttpResponse<String> response = post(client, bytes(pod(uid, "[{\"name\":\"a\",\"image\":\"x:1\"}]", "{}")));
    if (response.statusCode() == 429) {
      assertEquals("1", response.headers().firstValue("Retry-After").orElse(""), "429 says when to retry");
      return "429";
    }
    String answer = response.body().replace(uid, "UID");
    if (idleAnswer == null) {
      idleAnswer = answer;
    }
    return response.statusCode() == 200 && answer.equals(idleAnswer) ? "200" : response.statusCode() + " " + answer;
  }

  private HttpResponse<String> post(HttpClient client, byte[] body) throws Exception {
    return client.send(HttpRequest.newBuilder(uri("/validate?timeout=10s")).timeout(Duration.ofSeconds(100))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The status a body sent as one HTTP/2 stream got; the server may answer before all of it is sent. */
  private static int post(HttpClientAgent client, RequestOptions options, byte[] body) {
    return client.request(options).compose(request -> {
      request.send(Buffer.buffer(body));
      return request.response().compose(response -> response.body().map(read -> response.statusCode()));
    }).await();
  }

  private HttpClient client(HttpClient.Version version) {
    return HttpClient.newBuilder().sslContext(trust).version(version).connectTimeout(Duration.ofSeconds(30)).build();
  }

  private URI uri(String path) {
    return URI.create("https://localhost:" + port + path);
  }

  /** An AdmissionReview of a pod whose object is a field holding a list of {@code item}s, 3 MiB in all. */
  private static byte[] hostileReview(String item) {
    String head = pod(uid(), "[]", "{}").replace("\"spec\":{\"containers\":[]}", "\"spec\":{\"a\":[");
    String tail = head.substring(head.indexOf("\"spec\":{\"a\":[") + "\"spec\":{\"a\":[".length());
    head = head.substring(0, head.length() - tail.length());
    return filled(head, item, "]}" + tail);
  }

  /** Not an AdmissionReview: an object holding a list of {@code item}s, 3 MiB in all. */
  private static byte[] hostileGarbage(String item) {
    return filled("{\"a\":[", item, "]}");
  }

  private static byte[] filled(String head, String item, String tail) {
    StringBuilder body = new StringBuilder(3 * MIB).append(head).append(item);
    int room = 3 * MIB - tail.length();
    while (body.length() + 1 + item.length() <= room) {
      body.append(',').append(item);
    }
    byte[] bytes = body.append(tail).toString().getBytes(StandardCharsets.UTF_8);
    assertTrue(bytes.length <= 3 * MIB, "at most the 3 MiB limit");
    return bytes;
  }
}
