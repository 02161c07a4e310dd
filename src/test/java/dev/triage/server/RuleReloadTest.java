package dev.triage.server;

import static dev.triage.server.Reviews.bytes;
import static dev.triage.server.Reviews.pod;
import static dev.triage.server.Reviews.uid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.triage.cluster.ClusterView;
import dev.triage.rules.CelEnvironment;
import dev.triage.rules.RuleCompiler;
import dev.triage.rules.RuleError;
import dev.triage.rules.RuleSnapshot;
import dev.triage.rules.WatchedRules;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rules mounted from a ConfigMap and edited a hundred times while reviews keep coming: every
 * valid edit serves within a second, every broken one is rejected and counted while the last
 * good rules serve on, readiness never drops, and no review fails.
 */
class RuleReloadTest {
  private static final int EDITS = 100;
  private static final String PRIVILEGED = "[{\"name\":\"debug\",\"image\":\"busybox:1\",\"securityContext\":{\"privileged\":true}}]";

  static String rule(String version) {
    return """
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicy
        metadata: {name: deny-privileged}
        spec:
          matchConstraints:
            resourceRules:
            - {apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}
          validations:
          - expression: "!object.spec.containers.exists(c, c.?securityContext.?privileged.orValue(false))"
            message: "privileged containers are not allowed (%s)"
        """.formatted(version);
  }

  static final String BROKEN = rule("broken").replace("orValue(false))", "orValue(false)");

  /** Writes {@code text} as a ConfigMap update does: a new timestamped directory, then the ..data link swapped. */
  private static void publish(Path mount, int generation, String text) throws Exception {
    Path data = Files.createDirectory(mount.resolve("..2026_01_01_00_00_" + String.format("%05d", generation)));
    Files.writeString(data.resolve("deny-privileged.yaml"), text);
    Path next = mount.resolve("..data_tmp");
    Files.deleteIfExists(next);
    Files.createSymbolicLink(next, data.getFileName());
    Path old = Files.isSymbolicLink(mount.resolve("..data")) ? mount.resolve("..data").toRealPath() : null;
    Files.move(next, mount.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    if (!Files.exists(mount.resolve("deny-privileged.yaml"), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      Files.createSymbolicLink(mount.resolve("deny-privileged.yaml"), Path.of("..data/deny-privileged.yaml"));
    }
    if (old != null) {
      Files.delete(old.resolve("deny-privileged.yaml"));
      Files.delete(old);
    }
  }

  @Test
  void editsUnderLoadTakeEffectWithinASecondAndBrokenOnesAreRejectedWithoutAFailedReview(@TempDir Path dir)
      throws Exception {
    Path mount = Files.createDirectory(dir.resolve("rules"));
    publish(mount, 0, rule("v0"));
    ConcurrentLinkedQueue<List<RuleError>> rejected = new ConcurrentLinkedQueue<>();
    WatchedRules rules = new WatchedRules(mount, new RuleCompiler(new CelEnvironment()), new WatchedRules.Listener() {
      @Override
      public void reloaded(RuleSnapshot snapshot) {}

      @Override
      public void rejected(List<RuleError> errors, long rejections) {
        rejected.add(errors);
      }
    }).watch(Duration.ofMillis(100));
    AtomicLong sent = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    AtomicBoolean running = new AtomicBoolean(true);
    try (rules; RunningServer server = new RunningServer(rules, dir.resolve("certs"), ClusterView.EMPTY, null,
        Limits.DEFAULT)) {
      List<Thread> load = new java.util.ArrayList<>();
      for (int t = 0; t < 3; t++) {
        HttpClient client = server.client(HttpClient.Version.HTTP_1_1);
        Thread thread = new Thread(() -> {
          while (running.get()) {
            sent.incrementAndGet();
            try {
              HttpResponse<String> response = server.post(client, "/validate", "application/json",
                  bytes(pod(uid(), PRIVILEGED, "{}")));
              if (response.statusCode() != 200 || !response.body().contains("\"allowed\":false")) {
                failed.incrementAndGet();
                failures.add(response.statusCode() + " " + response.body());
              }
            } catch (Exception e) {
              failed.incrementAndGet();
              failures.add(e.toString());
            }
          }
        });
        thread.start();
        load.add(thread);
      }
      HttpClient probe = server.client(HttpClient.Version.HTTP_1_1);
      while (sent.get() < 200) {
        Thread.sleep(10); // a server that has been serving a while, as in production
      }
      Duration slowest = Duration.ZERO;
      int valid = 0;
      int broken = 0;
      String serving = "v0";
      for (int edit = 1; edit <= EDITS; edit++) {
        boolean breakIt = edit % 10 == 0;
        publish(mount, edit, breakIt ? BROKEN : rule("v" + edit));
        long published = System.nanoTime();
        if (breakIt) {
          broken++;
          while (rules.rejections() < broken) {
            Thread.sleep(5);
          }
          assertEquals(200, probe.send(HttpRequest.newBuilder(server.uri("/readyz")).build(),
              HttpResponse.BodyHandlers.ofString()).statusCode(), "ready while a broken edit is rejected");
          assertTrue(denial(server, probe).contains("(" + serving + ")"), "the last good rules still serve");
          continue;
        }
        valid++;
        serving = "v" + edit;
        while (!denial(server, probe).contains("(" + serving + ")")) {
          Thread.sleep(5);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - published);
        slowest = took.compareTo(slowest) > 0 ? took : slowest;
      }
      running.set(false);
      for (Thread thread : load) {
        thread.join();
      }
      System.out.printf("rule reload: %d edits (%d valid, %d broken), %d reviews sent, %d failed, slowest edit took"
          + " %d ms to serve%n", EDITS, valid, broken, sent.get(), failed.get(), slowest.toMillis());
      assertEquals(0, failed.get(), "failed reviews: " + failures.stream().limit(3).toList());
      assertEquals(valid, rules.reloads());
      assertEquals(broken, rules.rejections());
      assertTrue(slowest.compareTo(Duration.ofSeconds(1)) < 0, "an edit took " + slowest + " to serve");
      RuleError error = rejected.peek().get(0);
      assertTrue(error.file().endsWith("deny-privileged.yaml") && error.position().line() == 9, error.toString());
    }
  }

  private static String denial(RunningServer server, HttpClient client) throws Exception {
    return server.post(client, "/validate", "application/json", bytes(pod(uid(), PRIVILEGED, "{}"))).body();
  }
}
