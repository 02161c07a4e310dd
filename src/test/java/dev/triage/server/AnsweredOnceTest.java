package dev.triage.server;

import static dev.triage.server.Reviews.bytes;
import static dev.triage.server.Reviews.pod;
import static dev.triage.server.Reviews.uid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.triage.cluster.ClusterView;
import dev.triage.rules.RuleSnapshot;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every review is answered, logged and counted exactly once, whatever comes first. */
class AnsweredOnceTest {
  @TempDir
  Path certs;

  /** Rules that load, then fail or stall when a review asks for them. */
  private static Supplier<RuleSnapshot> afterFirst(Supplier<RuleSnapshot> then) {
    AtomicInteger calls = new AtomicInteger();
    return () -> calls.getAndIncrement() == 0 ? RuleSnapshot.EMPTY : then.get();
  }

  private static List<String> linesOf(RunningServer server, String uid) {
    return server.logs().lines().filter(line -> line.contains(uid)).toList();
  }

  @Test
  void aReviewTriageFailsToDecideIsAnswered500AndLoggedOnceAsAFailure() throws Exception {
    try (RunningServer server = new RunningServer(afterFirst(() -> {
      throw new IllegalStateException("object.spec holds s3cret");
    }), certs, ClusterView.EMPTY, null, Limits.DEFAULT)) {
      String uid = uid();
      HttpResponse<String> response = server.post(server.client(HttpClient.Version.HTTP_1_1), "/validate",
          "application/json", bytes(pod(uid, "[]", "{}")));
      assertEquals(500, response.statusCode(), response.body());
      List<String> lines = linesOf(server, uid);
      assertEquals(1, lines.size(), server.logs());
      assertTrue(lines.get(0).contains("\"event\":\"review.failed\"") && lines.get(0).contains("IllegalStateException"),
          lines.get(0));
      assertFalse(server.logs().contains("s3cret"), "an exception's message may quote the object: never logged");
    }
  }

  @Test
  void aDecisionThatComesAfterItsTimeoutIsNotLoggedAgain() throws Exception {
    try (RunningServer server = new RunningServer(afterFirst(() -> {
      try {
        Thread.sleep(1_500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return RuleSnapshot.EMPTY;
    }), certs, ClusterView.EMPTY, null, Limits.DEFAULT)) {
      String uid = uid();
      HttpResponse<String> response = server.post(server.client(HttpClient.Version.HTTP_1_1), "/validate?timeout=1s",
          "application/json", bytes(pod(uid, "[]", "{}")));
      assertTrue(response.body().contains("\"allowed\":false") && response.body().contains("could not decide"),
          response.body());
      Thread.sleep(1_500); // the decision finishes after the answer
      List<String> lines = linesOf(server, uid);
      assertEquals(1, lines.size(), server.logs());
      assertTrue(lines.get(0).contains("\"event\":\"timeout\""), lines.get(0));
    }
  }
}
