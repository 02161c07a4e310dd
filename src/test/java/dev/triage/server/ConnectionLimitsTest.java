package dev.triage.server;

import static dev.triage.server.Reviews.bytes;
import static dev.triage.server.Reviews.pod;
import static dev.triage.server.Reviews.uid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.triage.cluster.ClusterView;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Slow and greedy clients are cut off by the server's limits, and others keep being served. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectionLimitsTest {
  private static final Limits LIMITS = new Limits(6, Duration.ofSeconds(1), Duration.ofSeconds(2), 8 * 1024);
  private static final String OK_POD = pod("x", "[{\"name\":\"a\",\"image\":\"x:1\"}]", "{\"team\":\"t\"}");

  RunningServer server;
  HttpClient client;

  @BeforeAll
  void start(@TempDir Path certs) throws Exception {
    server = new RunningServer(Path.of("src/test/resources/server-rules"), certs, ClusterView.EMPTY, null, LIMITS);
    client = server.client(HttpClient.Version.HTTP_1_1);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private SSLSocket connect() throws IOException {
    SSLSocket socket = (SSLSocket) server.trust.getSocketFactory().createSocket("localhost", server.port);
    socket.setSoTimeout(10_000);
    socket.startHandshake();
    return socket;
  }

  /** Reads until the server closes the connection; returns what it sent. */
  private static String readUntilClosed(SSLSocket socket) throws IOException {
    InputStream in = socket.getInputStream();
    StringBuilder out = new StringBuilder();
    try {
      for (int b = in.read(); b >= 0; b = in.read()) {
        out.append((char) b);
      }
    } catch (SocketException e) {
      // reset by the server: closed too
    }
    return out.toString();
  }

  private void servesAGoodReview() throws Exception {
    HttpResponse<String> response = server.post(client, "/validate", "application/json", bytes(OK_POD.replace("\"x\"", "\"" + uid() + "\"")));
    assertEquals(200, response.statusCode(), response.body());
  }

  @Test
  void aSlowlorisSendingItsHeadersAByteAtATimeIsCutOffAtTheReadTimeout() throws Exception {
    List<SSLSocket> slow = new ArrayList<>();
    for (int i = 0; i < LIMITS.maxConnections() - 1; i++) {
      slow.add(connect());
    }
    long started = System.nanoTime();
    byte[] head = "POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nX-Padding: "
        .getBytes(StandardCharsets.US_ASCII);
    Thread trickle = new Thread(() -> {
      try {
        for (int i = 0; i < head.length * 10; i++) {
          for (SSLSocket socket : slow) {
            OutputStream out = socket.getOutputStream();
            out.write(head[i % head.length]);
            out.flush();
          }
          Thread.sleep(50);
        }
      } catch (IOException | InterruptedException e) {
        // the server hung up: what this test expects
      }
    });
    trickle.start();
    servesAGoodReview(); // while all but one connection slot are taken by the slowloris
    for (SSLSocket socket : slow) {
      readUntilClosed(socket);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    trickle.join();
    assertTrue(took.compareTo(Duration.ofSeconds(4)) < 0, "slowloris connections held for " + took);
    servesAGoodReview();
  }

  @Test
  void connectionsBeyondTheLimitAreClosedOnArrival() throws Exception {
    List<SSLSocket> held = new ArrayList<>();
    try {
      for (int i = 0; i < LIMITS.maxConnections(); i++) {
        held.add(connect());
      }
      Thread.sleep(200);
      assertEquals(LIMITS.maxConnections(), server.server.connections());
      SSLSocket extra = connect();
      extra.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertEquals("", readUntilClosed(extra), "closed without an answer");
    } finally {
      for (SSLSocket socket : held) {
        socket.close();
      }
    }
    Thread.sleep(300);
    servesAGoodReview();
  }

  @Test
  void aBodyThatDoesNotArriveGets408AndTheConnectionClosed() throws Exception {
    SSLSocket socket = connect();
    socket.getOutputStream().write(("POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        + "Content-Length: 500\r\n\r\n{\"apiVersion\":").getBytes(StandardCharsets.US_ASCII));
    long started = System.nanoTime();
    String answer = readUntilClosed(socket);
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
    assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "took " + took);
  }

  @Test
  void anIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout() throws Exception {
    SSLSocket socket = connect();
    socket.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    long started = System.nanoTime();
    String answer = readUntilClosed(socket);
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
    assertTrue(took.compareTo(Duration.ofMillis(1500)) > 0 && took.compareTo(Duration.ofSeconds(5)) < 0,
        "closed after " + took);
  }

  @Test
  void headersBeyondTheLimitAreRefused() throws Exception {
    SSLSocket socket = connect();
    socket.getOutputStream().write(("GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(10_000)
        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    String answer = readUntilClosed(socket);
    assertTrue(answer.startsWith("HTTP/1.1 431"), answer);
  }
}
