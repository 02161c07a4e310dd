package dev.triage.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

/**
 * One address in front of several backends, as a Kubernetes Service is: each new connection goes
 * to the next backend that {@code ready} accepts (as endpoints list only ready pods), and bytes
 * are copied both ways until either side closes. TLS passes through untouched.
 */
final class TcpProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final List<Integer> backends;
  private final IntPredicate ready;
  private final AtomicInteger next = new AtomicInteger();

  TcpProxy(List<Integer> backends, IntPredicate ready) throws IOException {
    this.backends = backends;
    this.ready = ready;
    this.listener = new ServerSocket();
    listener.bind(new InetSocketAddress("127.0.0.1", 0));
    Thread accept = new Thread(this::accept, "proxy-accept");
    accept.setDaemon(true);
    accept.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Thread pipe = new Thread(() -> connect(client), "proxy-connect");
        pipe.setDaemon(true);
        pipe.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void connect(Socket client) {
    for (int attempt = 0; attempt < backends.size() * 50; attempt++) {
      int port = backends.get(Math.floorMod(next.getAndIncrement(), backends.size()));
      if (!ready.test(port)) {
        if (attempt % backends.size() == backends.size() - 1) {
          sleep(20); // no backend ready just now: wait a little, as a Service would queue the SYN
        }
        continue;
      }
      try {
        Socket backend = new Socket("127.0.0.1", port);
        copy(client, backend);
        copy(backend, client);
        return;
      } catch (IOException e) {
        // went away between the readiness check and the connect: try the next
      }
    }
    close(client);
  }

  private static void copy(Socket from, Socket to) {
    Thread thread = new Thread(() -> {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // either side closed
      } finally {
        close(from);
        close(to);
      }
    }, "proxy-copy");
    thread.setDaemon(true);
    thread.start();
  }

  private static void close(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }
}
