package dev.triage.server;

import static dev.triage.server.Reviews.bytes;
import static dev.triage.server.Reviews.uid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.triage.admission.ReviewCodec;
import dev.triage.cluster.StaticClusterView;
import dev.triage.reports.ReportBuilder;
import dev.triage.reports.ReportFlavor;
import dev.triage.reports.ReportSink;
import dev.triage.reports.ReportSubject;
import dev.triage.reports.RuleResult;
import dev.triage.rules.CelEnvironment;
import dev.triage.rules.Engine;
import dev.triage.rules.RuleCompiler;
import dev.triage.rules.RuleFiles;
import dev.triage.rules.RuleSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Objects full of secret-looking values go in — env values, annotation values, bad JSON around a
 * password, values that make rules fail — and nothing the server answered or logged repeats any
 * of them.
 */
class NoDataLeakTest {
  private static final List<String> SECRETS = List.of("hunter2Patient0042", "pg-pa55word-7731",
      "AKIAQ7SECRETKEY9", "MRN-55512-glucose");

  private static String pod(String uid) {
    return """
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"%s",
          "kind":{"group":"","version":"v1","kind":"Pod"},
          "resource":{"group":"","version":"v1","resource":"pods"},
          "name":"ehr","namespace":"clinical","operation":"CREATE","userInfo":{"username":"alice"},
          "object":{"apiVersion":"v1","kind":"Pod",
            "metadata":{"name":"ehr","annotations":{"db-password":"%s","note":"%s"},"labels":{"app":"ehr"}},
            "spec":{"containers":[{"name":"app","image":"ehr:1",
              "env":[{"name":"DB_URL","value":"%s"},{"name":"AWS_KEY","value":"%s"}]}]}}}}
        """.formatted(uid, SECRETS.get(0), SECRETS.get(3), SECRETS.get(1), SECRETS.get(2));
  }

  @Test
  void nothingAnsweredOrLoggedRepeatsAValueFromTheRequest(@TempDir Path certs) throws Exception {
    List<String> seen = new ArrayList<>();
    try (RunningServer server = new RunningServer(Path.of("src/test/resources/leak-rules"), certs)) {
      for (HttpClient.Version version : HttpClient.Version.values()) {
        HttpClient client = server.client(version);
        for (String path : List.of("/validate", "/mutate", "/validate?timeout=1ms")) {
          HttpResponse<String> response = server.post(client, path, "application/json", bytes(pod(uid())));
          assertEquals(200, response.statusCode(), response.body());
          seen.add(response.headers().map() + "\n" + response.body());
        }
        List<String> bad = List.of(
            "{\"password\": " + SECRETS.get(0) + "}",
            "password=" + SECRETS.get(1),
            "{\"apiVersion\":\"" + SECRETS.get(2) + "\",\"kind\":\"AdmissionReview\"}",
            pod(uid()).replace("\"uid\"", "\"" + SECRETS.get(3) + "\"").replace("\"operation\"", "\"x\""),
            pod(uid()).substring(0, pod("u").indexOf(SECRETS.get(1)) + 8));
        for (String body : bad) {
          HttpResponse<String> response = server.post(client, "/validate", "application/json", bytes(body));
          assertTrue(response.statusCode() >= 400 && response.statusCode() < 500, response.body());
          seen.add(response.headers().map() + "\n" + response.body());
        }
      }
      seen.add(server.logs());
      String denial = seen.get(0);
      assertTrue(denial.contains("\"allowed\":false") && denial.contains("secret-errors: validations[0]"),
          "the rules did fail on the secret values: " + denial);
      assertTrue(seen.get(1).contains("secret-mutation"), "the mutation did fail too: " + seen.get(1));
    }
    for (String text : seen) {
      for (String secret : SECRETS) {
        assertFalse(text.contains(secret), "leaked " + secret + " in:\n" + text);
      }
    }
  }

  /**
   * In a dry-run namespace the same request is admitted, so its rules' results become a policy
   * report, in both groups; neither report, the metrics nor the log repeats a value of it.
   */
  @Test
  void policyReportsOfAnAdmittedRequestHoldOnlyNamesAndRuleMessages() throws Exception {
    RuleSnapshot rules = RuleFiles.load(Path.of("src/test/resources/leak-rules"), new RuleCompiler(new CelEnvironment()));
    Map<String, Object> clinical = Map.of("apiVersion", "v1", "kind", "Namespace",
        "metadata", Map.of("name", "clinical", "labels", Map.of("triage.dev/mode", "dry-run")));
    Clock clock = Clock.systemUTC();
    List<Map<String, Object>> reports = new ArrayList<>();
    ReportSink sink = new ReportSink() {
      @Override
      public void admitted(ReportSubject subject, List<RuleResult> results) {
        for (ReportFlavor flavor : ReportFlavor.values()) {
          reports.add(new ReportBuilder(flavor).build(subject, results));
        }
      }

      @Override
      public void deleted(ReportSubject subject) {
        reports.add(new ReportBuilder(ReportFlavor.OPENREPORTS).reference(subject));
      }
    };
    ByteArrayOutputStream logs = new ByteArrayOutputStream();
    Metrics metrics = new Metrics();
    ReviewHandler handler = new ReviewHandler(
        new Engine(() -> rules, new StaticClusterView(List.of(clinical), "default"), clock),
        new DecisionLog(new PrintStream(logs, true, StandardCharsets.UTF_8), clock), metrics, clock, sink);

    handler.decide(Endpoint.VALIDATE, ReviewCodec.parse(bytes(pod(uid()))), Duration.ofSeconds(10));
    handler.decide(Endpoint.VALIDATE, ReviewCodec.parse(bytes(pod(uid()).replace("\"CREATE\"", "\"DELETE\"")
        .replace("\"object\":", "\"oldObject\":"))), Duration.ofSeconds(10));

    assertEquals(3, reports.size(), "two reports of the create, the removal of the delete: " + reports);
    String written = new ObjectMapper().writeValueAsString(reports);
    assertTrue(written.contains("\"result\":\"error\"") || written.contains("\"result\":\"fail\""),
        "the rules did fail on the secret values: " + written);
    assertTrue(written.contains("\"name\":\"pod-ehr\""), "named after the Pod: " + written);
    for (String text : List.of(written, metrics.scrape(), logs.toString(StandardCharsets.UTF_8))) {
      for (String secret : SECRETS) {
        assertFalse(text.contains(secret), "leaked " + secret + " in:\n" + text);
      }
    }
  }
}
