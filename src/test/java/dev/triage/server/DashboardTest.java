package dev.triage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every Triage metric the Grafana dashboard queries is one a running server exposes. */
class DashboardTest {
  private static final Pattern METRIC = Pattern.compile("\\btriage_[a-z_]+");

  @Test
  void everyQueriedMetricIsExposed(@TempDir Path certs) throws Exception {
    JsonNode dashboard = new ObjectMapper().readTree(Files.readString(Path.of("charts/triage/dashboards/triage.json")));
    Set<String> queried = new TreeSet<>();
    for (JsonNode panel : dashboard.path("panels")) {
      assertFalse(panel.path("title").asText().isEmpty());
      for (JsonNode target : panel.path("targets")) {
        Matcher matcher = METRIC.matcher(target.path("expr").asText());
        while (matcher.find()) {
          queried.add(matcher.group());
        }
      }
    }
    assertTrue(queried.size() >= 8, "queried: " + queried);

    try (RunningServer server = new RunningServer(Path.of("src/test/resources/metrics-rules"), certs)) {
      server.metrics.rulesLoaded(server.rules);
      server.metrics.clusterViewStale(() -> false);
      server.metrics.certificateExpiry(() -> 3600);
      java.time.Clock clock = java.time.Clock.systemUTC();
      server.metrics.exceptionsLoaded(new dev.triage.exceptions.PolicyExceptions(List.of(
          new dev.triage.exceptions.PolicyException("batch-one-replica", "rules/batch.yaml",
              new dev.triage.yaml.Position(1, 1), List.of(), null, "a batch job", clock.instant().plusSeconds(86_400),
              "tomorrow", "", ""))), new dev.triage.exceptions.Expiry(clock));
      server.metrics.reloaded(false);
      // A writer that never leads never calls the API server: only its counts are read.
      server.metrics.reportWriter(new dev.triage.reports.ReportWriter(null, () -> false, java.time.Duration.ofHours(1),
          1, 1), () -> 0);
      server.metrics.reported(List.of(new dev.triage.reports.RuleResult("require-pdb", "",
          dev.triage.reports.RuleResult.Outcome.FAIL, "no PDB", "dry-run", dev.triage.reports.RuleResult.Source.ADMISSION,
          clock.instant(), "")));
      server.post(server.client(HttpClient.Version.HTTP_1_1), "/validate", "application/json",
          Reviews.bytes(Reviews.pod(Reviews.uid(), "[{\"name\":\"app\",\"image\":\"busybox\"}]", "{}")));
      String scrape = server.metrics.scrape();
      Set<String> missing = new TreeSet<>();
      for (String metric : queried) {
        if (!scrape.contains("\n" + metric + "{") && !scrape.contains("\n" + metric + " ")) {
          missing.add(metric);
        }
      }
      assertEquals(Set.of(), missing, "queried by the dashboard but not exposed");
    }
  }
}
