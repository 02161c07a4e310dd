package dev.triage.server;

import static dev.triage.server.Reviews.bytes;
import static dev.triage.server.Reviews.pod;
import static dev.triage.server.Reviews.uid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A body over the 3 MiB limit is answered 413, and the caller always reads that answer: over
 * HTTP/1.1 while it is still sending the rest of its body, over HTTP/2 on the stream alone, the
 * connection serving the next review.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OversizedBodyTest {
  private static final int FOUR_MIB = 4 * 1024 * 1024;

  RunningServer server;

  @BeforeAll
  void start(@TempDir Path certs) throws Exception {
    server = new RunningServer(Path.of("src/test/resources/server-rules"), certs);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  /**
   * Like curl or the JDK client: the whole body is written, in pieces as the network takes them,
   * and the answer read after. A server that closes right after its 413 resets the connection
   * under the client's writes, and the answer is lost.
   */
  @Test
  void anHttp11ClientStillSendingItsBodyReadsThe413() throws Exception {
    try (SSLSocket socket = (SSLSocket) server.trust.getSocketFactory().createSocket("localhost", server.port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + FOUR_MIB + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = new byte[64 * 1024];
      Arrays.fill(chunk, (byte) ' ');
      for (int sent = 0; sent < FOUR_MIB; sent += chunk.length) {
        out.write(chunk);
        out.flush();
        Thread.sleep(2);
      }
      String answer = readUntilClosed(socket.getInputStream());
      assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
      assertTrue(answer.contains("3 MiB"), answer);
      assertTrue(answer.toLowerCase().contains("connection: close"), answer);
    }
  }

  @Test
  void overHttp2Only413sTheStreamAndTheConnectionServesTheNextReview() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions()
          .setProtocolVersion(HttpVersion.HTTP_2).setUseAlpn(true).setSsl(true)
          .setTrustOptions(new PemTrustOptions().addCertPath(server.caCert.toString())));
      RequestOptions post = new RequestOptions().setMethod(HttpMethod.POST).setHost("localhost")
          .setPort(server.port).setURI("/validate").putHeader("Content-Type", "application/json");

      byte[] tooLarge = new byte[FOUR_MIB];
      Arrays.fill(tooLarge, (byte) ' ');
      Answer rejected = send(client, post, tooLarge);
      assertEquals(413, rejected.status(), rejected.body());
      assertTrue(rejected.body().contains("3 MiB"), rejected.body());
      // Many at once: a stream cut short while its body is still coming draws a reset for every
      // frame in flight, and Netty closes a connection that sends a few hundred of those.
      for (int round = 0; round < 2; round++) {
        List<Future<Answer>> many = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
          many.add(sendLater(client, post, tooLarge));
        }
        for (Future<Answer> f : many) {
          Answer again = f.await();
          assertEquals(413, again.status(), again.body());
          assertSame(rejected.connection(), again.connection(), "a 413 closed the connection");
        }
      }

      Answer next = send(client, post, bytes(pod(uid(), "[{\"name\":\"a\",\"image\":\"x:1\"}]", "{\"team\":\"t\"}")));
      assertEquals(200, next.status(), next.body());
      assertSame(rejected.connection(), next.connection(), "the 413 must not close the HTTP/2 connection");
    } finally {
      vertx.close().await();
    }
  }

  private record Answer(int status, String body, HttpConnection connection) {}

  private static Answer send(HttpClientAgent client, RequestOptions options, byte[] body) {
    return sendLater(client, options, body).await();
  }

  private static Future<Answer> sendLater(HttpClientAgent client, RequestOptions options, byte[] body) {
    return client.request(options).compose(request -> {
      // The server may answer before the whole body is written; the answer is what counts.
      // Without a Content-Length, as a stream: the server finds the body too large only once it
      // has read 3 MiB of it, with more of it in flight.
      for (int at = 0; at < body.length; at += 64 * 1024) {
        request.write(Buffer.buffer(Arrays.copyOfRange(body, at, Math.min(body.length, at + 64 * 1024))));
      }
      request.end();
      return request.response().compose(response -> response.body()
          .map(text -> new Answer(response.statusCode(), text.toString(), request.connection())));
    });
  }

  private static String readUntilClosed(InputStream in) throws Exception {
    ByteArrayOutputStream read = new ByteArrayOutputStream();
    try {
      in.transferTo(read);
    } catch (java.io.IOException e) {
      // a reset after the answer: what was read is kept
    }
    return read.toString(StandardCharsets.ISO_8859_1);
  }
}
