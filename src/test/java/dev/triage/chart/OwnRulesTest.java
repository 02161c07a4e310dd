package dev.triage.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.triage.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Triage's own manifests pass Triage's own rules, as `helm template … | triage check -` shows:
 * every object is mutated then validated with the rules the chart deploys.
 */
class OwnRulesTest {
  record Run(int exit, String out) {}

  private static Run check(Path rules, Path manifests) {
    StringWriter out = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(out));
    int exit = cli.execute("check", "--rules", rules.toString(), "-n", HelmChart.NAMESPACE, manifests.toString());
    return new Run(exit, out.toString());
  }

  /** The rules ConfigMap the chart renders, as the pod sees it mounted. */
  private static Path mountedRules(List<Map<String, Object>> objects, Path dir) throws Exception {
    Map<?, ?> data = (Map<?, ?>) HelmChart.get(objects, "ConfigMap", "triage-rules").get("data");
    for (Map.Entry<?, ?> file : data.entrySet()) {
      Files.writeString(dir.resolve(file.getKey().toString()), file.getValue().toString());
    }
    return dir;
  }

  @Test
  void theChartsManifestsPassTheRulesTheChartDeploys(@TempDir Path dir) throws Exception {
    for (String mode : List.of("certManager", "caBundle", "selfManaged")) {
      HelmChart chart = ChartTest.inMode(mode);
      Path manifests = Files.writeString(dir.resolve(mode + ".yaml"), chart.yaml());
      Path rules = mountedRules(chart.objects(), Files.createDirectory(dir.resolve(mode + "-rules")));
      Run run = check(rules, manifests);
      assertEquals(0, run.exit(), run.out());
      assertTrue(run.out().contains("ALLOWED Deployment triage-system/triage"), run.out());
      assertTrue(run.out().contains(" 0 denied"), run.out());
    }
  }

  @Test
  void withoutTheTlsSecretAllowedTheOnlyDenialIsTheSecretVolume(@TempDir Path dir) throws Exception {
    Path manifests = Files.writeString(dir.resolve("chart.yaml"), HelmChart.withDefaults().yaml());
    Run run = check(Path.of("rules"), manifests);
    assertEquals(1, run.exit(), run.out());
    assertTrue(run.out().contains("DENIED  Deployment triage-system/triage"), run.out());
    assertTrue(run.out().contains("denied: vault-secrets-only: volume tls mounts a Kubernetes Secret"), run.out());
    assertEquals(1, run.out().lines().filter(l -> l.strip().startsWith("denied:")).count(), run.out());
  }
}
