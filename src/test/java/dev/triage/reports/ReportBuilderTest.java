package dev.triage.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.triage.reports.RuleResult.Outcome;
import dev.triage.reports.RuleResult.Source;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The report a team reads with {@code kubectl get reports -o yaml}: one per workload, one result per rule. */
class ReportBuilderTest {
  private static final Instant AT = Instant.parse("2026-12-05T16:00:00.250Z");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A Deployment as a review carries it, with values that must never reach a report. */
  private static final String DEPLOYMENT = """
      {"apiVersion": "apps/v1", "kind": "Deployment",
       "metadata": {"name": "notes-api", "namespace": "clinical", "uid": "4f1c-11",
                    "labels": {"patient-cohort": "oncology-ward-7"},
                    "annotations": {"note": "MRN 0042-7731 on call"}},
       "spec": {"replicas": 3, "template": {"spec": {"containers": [{"name": "api", "image": "registry.local/notes:1.4",
         "env": [{"name": "PATIENT_DB_PASSWORD", "value": "s3cr3t-hunter2"},
                 {"name": "SSN", "value": "078-05-1120"}]}]}}}}
      """;

  private static List<RuleResult> results() {
    return List.of(
        new RuleResult("require-pdb", "", Outcome.FAIL,
            "Deployment notes-api (3 replicas) has no PodDisruptionBudget", "dry-run", Source.BACKGROUND, AT, ""),
        new RuleResult("restricted-security-context", "0", Outcome.SKIP, "container api runs as root", "dry-run",
            Source.BACKGROUND, AT, "notes-vendor-root"),
        new RuleResult("require-mesh-mtls", "", Outcome.PASS, "", "dry-run", Source.ADMISSION, AT, ""));
  }

  private static Map<String, Object> report() throws Exception {
    return new ReportBuilder(ReportFlavor.OPENREPORTS).build(ReportSubject.of(JSON.readValue(DEPLOYMENT, Map.class)),
        results());
  }

  @Test
  void oneReportPerWorkloadOwnedByItWithOneResultPerRule() throws Exception {
    Map<String, Object> report = report();
    assertEquals("openreports.io/v1alpha1", report.get("apiVersion"));
    assertEquals("Report", report.get("kind"));
    Map<?, ?> metadata = (Map<?, ?>) report.get("metadata");
    assertEquals("deployment-notes-api", metadata.get("name"));
    assertEquals("clinical", metadata.get("namespace"));
    assertEquals(List.of(Map.of("apiVersion", "apps/v1", "kind", "Deployment", "name", "notes-api", "uid", "4f1c-11")),
        metadata.get("ownerReferences"), "the report goes when the workload goes");
    assertEquals(Map.of("apiVersion", "apps/v1", "kind", "Deployment", "name", "notes-api", "namespace", "clinical",
        "uid", "4f1c-11"), report.get("scope"));
    assertEquals(Map.of("pass", 1L, "fail", 1L, "warn", 0L, "error", 0L, "skip", 1L), report.get("summary"));

    List<?> results = (List<?>) report.get("results");
    assertEquals(3, results.size());
    assertEquals(Map.of("source", "triage", "policy", "require-pdb", "result", "fail", "scored", true,
        "message", "Deployment notes-api (3 replicas) has no PodDisruptionBudget",
        "timestamp", Map.of("seconds", AT.getEpochSecond(), "nanos", 250_000_000L),
        "properties", Map.of("mode", "dry-run", "source", "background")), results.get(0));
    Map<?, ?> excepted = (Map<?, ?>) results.get(1);
    assertEquals("skip", excepted.get("result"));
    assertEquals("0", excepted.get("rule"));
    assertEquals("container api runs as root (exception notes-vendor-root)", excepted.get("message"));
    assertEquals("notes-vendor-root", ((Map<?, ?>) excepted.get("properties")).get("exception"));
    assertEquals("admission", ((Map<?, ?>) ((Map<?, ?>) results.get(2)).get("properties")).get("source"));
  }

  @Test
  void aReportHoldsNoRequestValueBeyondNamesAndRuleMessages() throws Exception {
    Map<String, Object> report = report();
    Set<String> allowed = new HashSet<>(Set.of("apps/v1", "Deployment", "notes-api", "clinical", "4f1c-11",
        "deployment-notes-api", "openreports.io/v1alpha1", "Report", "triage", "dry-run", "background", "admission",
        "pass", "fail", "skip"));
    for (RuleResult result : results()) {
      allowed.addAll(List.of(result.policy(), result.rule(), result.exception()));
    }
    allowed.add("Deployment notes-api (3 replicas) has no PodDisruptionBudget");
    allowed.add("container api runs as root (exception notes-vendor-root)");
    List<String> strings = new ArrayList<>();
    collect(report, strings);
    for (String value : strings) {
      assertTrue(allowed.contains(value), "a report carries \"" + value + "\", which is neither a name nor a rule's"
          + " message");
    }
    String text = JSON.writeValueAsString(report);
    for (String secret : List.of("s3cr3t-hunter2", "078-05-1120", "oncology-ward-7", "MRN 0042-7731", "notes:1.4",
        "PATIENT_DB_PASSWORD")) {
      assertFalse(text.contains(secret), secret);
    }
  }

  private static void collect(Object value, List<String> out) {
    if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> {
        if (!"labels".equals(k)) {
          collect(v, out);
        }
      });
    } else if (value instanceof List<?> list) {
      list.forEach(v -> collect(v, out));
    } else if (value instanceof String s) {
      out.add(s);
    }
  }

  @Test
  void aClusterScopedObjectGetsAClusterReportAndTheOlderGroupOnRequest() {
    ReportSubject namespace = new ReportSubject("v1", "Namespace", "", "clinical", "9a");
    Map<String, Object> open = new ReportBuilder(ReportFlavor.OPENREPORTS).build(namespace, List.of());
    assertEquals("ClusterReport", open.get("kind"));
    assertFalse(((Map<?, ?>) open.get("metadata")).containsKey("namespace"));
    Map<String, Object> older = new ReportBuilder(ReportFlavor.WGPOLICYK8S)
        .build(new ReportSubject("apps/v1", "Deployment", "clinical", "notes-api", "1"), List.of());
    assertEquals("wgpolicyk8s.io/v1alpha2", older.get("apiVersion"));
    assertEquals("PolicyReport", older.get("kind"));
  }

  @Test
  void aLongNameIsCutToWhatKubernetesAcceptsAndStaysDistinct() {
    String a = ReportBuilder.name(new ReportSubject("batch/v1", "CronJob", "x", "n".repeat(260) + "a", ""));
    String b = ReportBuilder.name(new ReportSubject("batch/v1", "CronJob", "x", "n".repeat(260) + "b", ""));
    assertEquals(253, a.length());
    assertTrue(a.startsWith("cronjob-nnn"), a);
    assertFalse(a.equals(b));
  }

  @Test
  void aReferenceNamesTheReportAsBuiltAndNothingElse() {
    ReportSubject subject = new ReportSubject("apps/v1", "Deployment", "clinical", "notes-api", "1");
    Map<String, Object> built = new ReportBuilder(ReportFlavor.OPENREPORTS).build(subject, List.of());
    assertEquals(Map.of("apiVersion", "openreports.io/v1alpha1", "kind", "Report",
        "metadata", Map.of("name", "deployment-notes-api", "namespace", "clinical")),
        new ReportBuilder(ReportFlavor.OPENREPORTS).reference(subject));
    assertEquals(((Map<?, ?>) built.get("metadata")).get("name"), "deployment-notes-api");
  }
}
