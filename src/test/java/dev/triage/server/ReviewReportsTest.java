package dev.triage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.triage.admission.AdmissionRequest;
import dev.triage.admission.ReviewCodec;
import dev.triage.cluster.StaticClusterView;
import dev.triage.reports.ReportSink;
import dev.triage.reports.ReportSubject;
import dev.triage.reports.RuleResult;
import dev.triage.rules.CelEnvironment;
import dev.triage.rules.Engine;
import dev.triage.rules.RuleCompiler;
import dev.triage.rules.RuleFiles;
import dev.triage.rules.RuleSnapshot;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What a decided review hands to the policy reports: the workload's names and its rules' results
 * for what was admitted, a removal for what is deleted, and nothing for a dry run, a denial or a
 * mutation.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReviewReportsTest {
  private static final String PRIVILEGED =
      "[{\"name\":\"shell\",\"image\":\"busybox:1\",\"securityContext\":{\"privileged\":true}}]";

  private final List<String> handed = new ArrayList<>();
  private final List<RuleResult> results = new ArrayList<>();
  private final Metrics metrics = new Metrics();
  private ReviewHandler handler;
  private Engine engine;
  private DecisionLog log;

  @BeforeAll
  void handler() {
    RuleSnapshot rules = RuleFiles.load(Path.of("rules"), new RuleCompiler(new CelEnvironment()));
    Map<String, Object> onboarding = Map.of("apiVersion", "v1", "kind", "Namespace",
        "metadata", Map.of("name", "onboarding", "labels", Map.of("triage.dev/mode", "dry-run")));
    Clock clock = Clock.systemUTC();
    engine = new Engine(() -> rules, new StaticClusterView(List.of(onboarding), "default"), clock);
    ReportSink sink = new ReportSink() {
      @Override
      public void admitted(ReportSubject subject, List<RuleResult> admitted) {
        handed.add("admitted " + subject);
        results.addAll(admitted);
      }

      @Override
      public void deleted(ReportSubject subject) {
        handed.add("deleted " + subject);
      }
    };
    log = new DecisionLog(new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8),
        clock);
    handler = new ReviewHandler(engine, log, metrics, clock, sink);
  }

  private List<String> review(Endpoint endpoint, String namespace, String operation, boolean dryRun)
      throws Exception {
    return review(endpoint, namespace, operation, dryRun, "");
  }

  private List<String> review(Endpoint endpoint, String namespace, String operation, boolean dryRun, String owners)
      throws Exception {
    handed.clear();
    results.clear();
    handler.decide(endpoint, review(namespace, operation, dryRun, owners), Duration.ofSeconds(10));
    return List.copyOf(handed);
  }

  private static AdmissionRequest review(String namespace, String operation, boolean dryRun, String owners)
      throws Exception {
    String object = """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"debug-shell","namespace":"%s","uid":"u-1"%s},
          "spec":{"containers":%s}}""".formatted(namespace, owners, PRIVILEGED);
    String body = """
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"r-1",
          "kind":{"group":"","version":"v1","kind":"Pod"},"resource":{"group":"","version":"v1","resource":"pods"},
          "name":"debug-shell","namespace":"%s","operation":"%s","userInfo":{"username":"alice"},
          "object":%s,"oldObject":%s,"dryRun":%s}}
        """.formatted(namespace, operation, operation.equals("DELETE") ? "null" : object,
        operation.equals("CREATE") ? "null" : object, dryRun);
    return ReviewCodec.parse(body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void anAdmittedWorkloadIsHandedOverByNameWithItsResults() throws Exception {
    assertEquals(List.of("admitted " + new ReportSubject("v1", "Pod", "onboarding", "debug-shell", "u-1")),
        review(Endpoint.VALIDATE, "onboarding", "CREATE", false));
    RuleResult privileged = results.stream().filter(r -> r.outcome() == RuleResult.Outcome.FAIL
        && r.message().contains("privileged")).findFirst()
        .orElseThrow(() -> new AssertionError("the privileged container fails a rule: " + results));
    assertTrue(privileged.message().contains("container shell sets securityContext.privileged: true"),
        privileged::toString);
    assertEquals("dry-run", privileged.mode());
    assertEquals(RuleResult.Source.ADMISSION, privileged.source());
  }

  @Test
  void aDryRunADenialAMutationAndAControllersPodHandNothing() throws Exception {
    assertEquals(List.of(), review(Endpoint.VALIDATE, "onboarding", "CREATE", true), "a dry run stores nothing");
    assertEquals(List.of(), review(Endpoint.VALIDATE, "clinical", "CREATE", false), "denied: nothing was created");
    assertEquals(List.of(), review(Endpoint.MUTATE, "onboarding", "CREATE", false), "validation reports, not mutation");
    assertEquals(List.of(), review(Endpoint.VALIDATE, "onboarding", "CREATE", false,
        ",\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"name\":\"shell-5d9\","
            + "\"uid\":\"u-0\",\"controller\":true}]"), "a controller's Pod is reported through its owner");
  }

  @Test
  void aDeleteRemovesTheReport() throws Exception {
    assertEquals(List.of("deleted " + new ReportSubject("v1", "Pod", "onboarding", "debug-shell", "u-1")),
        review(Endpoint.VALIDATE, "onboarding", "DELETE", false));
    assertEquals(List.of(), review(Endpoint.VALIDATE, "onboarding", "DELETE", true), "a dry-run delete deletes nothing");
  }

  @Test
  void resultsHandedOverAreCountedAndWithReportsOffNoneAre() throws Exception {
    review(Endpoint.VALIDATE, "onboarding", "CREATE", false);
    assertTrue(metrics.scrape().contains("triage_report_results_total{policy=\"restricted-security-context\""),
        metrics::scrape);

    Metrics off = new Metrics();
    new ReviewHandler(engine, log, off, Clock.systemUTC(), ReportSink.OFF)
        .decide(Endpoint.VALIDATE, review("onboarding", "CREATE", false, ""), Duration.ofSeconds(10));
    assertTrue(off.scrape().contains("triage_admission_requests_total"), off::scrape);
    assertFalse(off.scrape().contains("triage_report_results_total"), "reports off: nothing handed over, none counted");
  }
}
