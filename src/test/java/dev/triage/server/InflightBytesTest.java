package dev.triage.server;

import static dev.triage.server.Reviews.bytes;
import static dev.triage.server.Reviews.pod;
import static dev.triage.server.Reviews.uid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.triage.cluster.ClusterView;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bodies a replica reads, parses and decides at once share one budget of bytes. A review that
 * does not fit is answered 429 with {@code Retry-After: 1}, unread, and the connection (HTTP/1.1)
 * or stream (HTTP/2) goes on to serve the next review once bytes are free again.
 */
class InflightBytesTest {
  private static final int MIB = 1024 * 1024;
  private static final String REVIEW = pod("u-1", "[{\"name\":\"a\",\"image\":\"x:1\"}]", "{\"team\":\"t\"}");

  RunningServer server;
  /** A caller holding bytes of the budget: it declared a body and has not finished sending it. */
  SSLSocket holder;

  @BeforeEach
  void start(@TempDir Path certs) throws Exception {
    server = new RunningServer(Path.of("src/test/resources/server-rules"), certs, ClusterView.EMPTY, null,
        Limits.DEFAULT.withMaxInflightBytes(3 * MIB));
  }

  @AfterEach
  void stop() throws IOException {
    if (holder != null) {
      holder.close();
    }
    server.close();
  }

  @Test
  void overHttp11AReviewBeyondTheBudgetIs429AndTheConnectionServesTheNextOnceBytesAreFree() throws Exception {
    hold(3 * MIB);
    try (SSLSocket caller = socket()) {
      RawAnswer shed = exchange(caller, bytes(REVIEW));
      assertEquals(429, shed.status(), shed.text());
      assertEquals("1", shed.header("retry-after"), shed.text());
      assertTrue(shed.body().contains("--max-inflight-bytes"), shed.body());
      assertEquals(1, shed.body().strip().lines().count(), "one line: " + shed.body());
      assertFalse(shed.header("connection").equalsIgnoreCase("close"), "the connection stays open: " + shed.text());

      holder.close(); // the holder goes away mid-body: its bytes are given back
      awaitHeld(0);
      RawAnswer next = exchange(caller, bytes(REVIEW));
      assertEquals(200, next.status(), next.text());
      assertTrue(next.body().contains("\"allowed\":true"), next.body());
    }
    assertTrue(server.metrics.scrape().contains("triage_requests_shed_total{endpoint=\"validate\"} 1.0"),
        server.metrics.scrape());
    assertTrue(server.metrics.scrape().contains("triage_inflight_body_limit_bytes " + (double) (3 * MIB)),
        server.metrics.scrape());
    String shedLines = server.logs().lines().filter(line -> line.contains("\"event\":\"shed\""))
        .reduce("", (a, b) -> a + b + "\n");
    assertEquals(1, shedLines.lines().count(), "logged once: " + server.logs());
    assertTrue(shedLines.contains("\"status\":429") && !shedLines.contains("ehr-api"), shedLines);
  }

  @Test
  void overHttp2OnlyTheStreamIs429AndTheConnectionServesTheNextReview() throws Exception {
    hold(3 * MIB);
    Vertx vertx = Vertx.vertx();
    try {
      HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions()
          .setProtocolVersion(HttpVersion.HTTP_2).setUseAlpn(true).setSsl(true)
          .setTrustOptions(new PemTrustOptions().addCertPath(server.caCert.toString())));
      Stream shed = send(client, bytes(REVIEW));
      assertEquals(429, shed.status(), shed.body());
      assertEquals("1", shed.retryAfter());

      holder.close();
      awaitHeld(0);
      Stream next = send(client, bytes(REVIEW));
      assertEquals(200, next.status(), next.body());
      assertSame(shed.connection(), next.connection(), "the 429 must not close the HTTP/2 connection");
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void aBodyOfUndeclaredLengthIsCountedAsItArrives() throws Exception {
    hold(2 * MIB);
    HttpClient client = server.client(HttpClient.Version.HTTP_1_1);
    // 1.5 MiB sent chunked, without a Content-Length: shed once more than the free 1 MiB has come.
    HttpResponse<String> tooMuch = client.send(chunked(padded(MIB + MIB / 2)), HttpResponse.BodyHandlers.ofString());
    assertEquals(429, tooMuch.statusCode(), tooMuch.body());
    assertEquals("1", tooMuch.headers().firstValue("Retry-After").orElse(""));
    // Half a MiB, chunked, fits beside the holder and is decided.
    HttpResponse<String> fits = client.send(chunked(padded(MIB / 2)), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, fits.statusCode(), fits.body());
    assertTrue(fits.body().contains("\"allowed\":true"), fits.body());
  }

  /** The good review, padded with spaces to {@code size} bytes. */
  private static byte[] padded(int size) {
    byte[] body = new byte[size];
    Arrays.fill(body, (byte) ' ');
    byte[] review = bytes(REVIEW);
    System.arraycopy(review, 0, body, 0, review.length);
    return body;
  }

  private HttpRequest chunked(byte[] body) {
    int piece = 64 * 1024;
    return HttpRequest.newBuilder(server.uri("/validate")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new SequenceInputStream(Collections.enumeration(
            java.util.stream.IntStream.range(0, (body.length + piece - 1) / piece)
                .mapToObj(i -> (InputStream) new ByteArrayInputStream(body, i * piece,
                    Math.min(piece, body.length - i * piece))).toList()))))
        .build();
  }

  /** Declares a body of {@code bytes} and sends a little of it, then waits until the server holds them. */
  private void hold(int bytes) throws Exception {
    holder = socket();
    holder.getOutputStream().write(("POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + bytes + "\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
    holder.getOutputStream().flush();
    awaitHeld(bytes);
  }

  private void awaitHeld(long bytes) throws InterruptedException {
    String gauge = "triage_inflight_body_bytes " + (double) bytes;
    for (int i = 0; !server.metrics.scrape().contains(gauge); i++) {
      assertTrue(i < 2_000, "never held " + bytes + " bytes: " + server.metrics.scrape());
      Thread.sleep(10);
    }
  }

  private SSLSocket socket() throws IOException {
    SSLSocket socket = (SSLSocket) server.trust.getSocketFactory().createSocket("localhost", server.port);
    socket.setSoTimeout(20_000);
    return socket;
  }

  private record RawAnswer(int status, String text, String body) {
    String header(String name) {
      Matcher m = Pattern.compile("(?im)^" + name + ":[ \\t]*([^\\r\\n]*)").matcher(text);
      return m.find() ? m.group(1) : "";
    }
  }

  /** Sends one request on a kept-alive HTTP/1.1 connection and reads its answer, no more. */
  private static RawAnswer exchange(SSLSocket socket, byte[] body) throws IOException {
    socket.getOutputStream().write(("POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().write(body);
    socket.getOutputStream().flush();
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed after " + head);
      }
      head.write(b);
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    Matcher length = Pattern.compile("(?im)^content-length:\\s*(\\d+)").matcher(text);
    assertTrue(length.find(), text);
    String answer = new String(in.readNBytes(Integer.parseInt(length.group(1))), StandardCharsets.UTF_8);
    int status = Integer.parseInt(text.substring(9, 12));
    return new RawAnswer(status, text, answer);
  }

  private record Stream(int status, String retryAfter, String body, HttpConnection connection) {}

  private Stream send(HttpClientAgent client, byte[] body) {
    RequestOptions post = new RequestOptions().setMethod(HttpMethod.POST).setHost("localhost").setPort(server.port)
        .setURI("/validate").putHeader("Content-Type", "application/json");
    return client.request(post).compose(request -> {
      request.send(Buffer.buffer(body));
      return request.response().compose(response -> response.body().map(text -> new Stream(response.statusCode(),
          String.valueOf(response.getHeader("Retry-After")), text.toString(), request.connection())));
    }).await();
  }
}
