package dev.triage.server;

import static dev.triage.server.Reviews.bytes;
import static dev.triage.server.Reviews.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.triage.admission.ReviewCodec;
import dev.triage.certs.DevCertificates;
import dev.triage.rules.CelEnvironment;
import dev.triage.rules.RuleCompiler;
import dev.triage.rules.RuleFiles;
import dev.triage.rules.RuleSnapshot;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A warm-up runs the shipped rules' test objects and objects of every matched resource through the
 * engine and the server path, within its bound, says so on {@code /readyz} and in one log line,
 * and leaves no trace in what the server reports about real traffic.
 */
class WarmUpTest {
  private static final Path SHIPPED = Path.of("rules");
  private static final String PRIVILEGED =
      "[{\"name\":\"debug\",\"image\":\"busybox:1\",\"securityContext\":{\"privileged\":true}}]";

  @Test
  void theReviewsCoverEveryRuleTestCaseAndEveryMatchedResourceAndAllParse() throws Exception {
    RuleSnapshot rules = RuleFiles.load(SHIPPED, new RuleCompiler(new CelEnvironment()));
    WarmUpReviews reviews = WarmUpReviews.of(SHIPPED, rules);

    assertTrue(reviews.bodies().size() > 50, "the shipped tests hold dozens of cases: " + reviews.bodies().size());
    for (byte[] body : reviews.bodies()) {
      ReviewCodec.parse(body); // throws for a body the server would refuse
    }
    assertTrue(reviews.bodies().stream().map(String::new).anyMatch(b -> b.contains("\"kind\":\"CronJob\"")),
        "an object for each pod-bearing kind the rules match");
    assertFalse(reviews.clusterObjects().isEmpty(), "the tests' PodDisruptionBudgets and Namespaces");
  }

  @Test
  void aRulesDirectoryWithoutTestsStillWarmsOnObjectsOfWhatItsPoliciesMatch() {
    Path dir = Path.of("src/test/resources/server-rules");
    RuleSnapshot rules = RuleFiles.load(dir, new RuleCompiler(new CelEnvironment()));

    WarmUpReviews reviews = WarmUpReviews.of(dir, rules);

    assertEquals(2, reviews.bodies().size(), "one Pod and one ConfigMap, the resources these rules match");
    assertTrue(reviews.bodies().stream().map(String::new).anyMatch(b -> b.contains("\"kind\":\"Pod\"")));
    assertTrue(reviews.bodies().stream().map(String::new).anyMatch(b -> b.contains("\"kind\":\"ConfigMap\"")));
  }

  @Test
  void warmsWithinItsBoundShowsItOnReadyzAndTouchesNoLogOrMetricOfRealTraffic(@TempDir Path certs)
      throws Exception {
    try (RunningServer server = new RunningServer(Path.of("src/test/resources/server-rules"), certs)) {
      StringWriter lines = new StringWriter();
      DevCertificates.Paths pem = DevCertificates.ensure(certs, Clock.systemUTC());
      WarmUp warmUp = new WarmUp(server.vertx, Path.of("src/test/resources/server-rules"),
          new AdmissionServer.Config("127.0.0.1", 0, pem.cert(), pem.key()), Duration.ofMillis(600),
          new ServeLog(new PrintWriter(lines), Clock.systemUTC()), Clock.systemUTC());
      server.server.readinessCheck(warmUp);
      HttpClient client = server.client(HttpClient.Version.HTTP_1_1);
      HttpResponse<String> cold = client.send(java.net.http.HttpRequest.newBuilder(server.uri("/readyz")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(503, cold.statusCode());
      assertTrue(cold.body().contains("warm-up: running"), cold.body());

      long started = System.nanoTime();
      WarmUp.Result result = warmUp.beforeReady(server.rules);
      long tookMillis = (System.nanoTime() - started) / 1_000_000;

      assertTrue(result.engineReviews() > 0 && result.serverReviews() >= 2, result.toString());
      assertTrue(tookMillis < 600 + 2_000, "bounded by its budget (plus one review in flight): " + tookMillis);
      HttpResponse<String> ready = client.send(java.net.http.HttpRequest.newBuilder(server.uri("/readyz")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, ready.statusCode());
      assertTrue(ready.body().contains("warm-up: " + result.engineReviews() + " reviews"), ready.body());
      assertTrue(lines.toString().contains("\"event\":\"warm-up\""), lines.toString());
      assertEquals("", server.logs(), "no decision line for a warm-up review");
      assertFalse(server.metrics.scrape().contains("triage_admission_requests_total{"), "no request counted");

      HttpResponse<String> denied = server.post(client, "/validate", "application/json",
          bytes(pod("after-warm-up", PRIVILEGED, "{\"team\":\"t\"}")));
      assertTrue(denied.body().contains("\"allowed\":false"), "decisions as before: " + denied.body());
    }
  }
}
