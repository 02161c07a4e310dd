package dev.triage.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.triage.reports.LeaseLeadership;
import dev.triage.reports.ReportBuilder;
import dev.triage.reports.ReportFlavor;
import dev.triage.reports.ReportSubject;
import dev.triage.reports.ReportWriter;
import dev.triage.reports.RuleResult;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Two replicas' report writers against a real API server: only the one holding the Lease writes;
 * when it goes, the other takes the Lease and writes what it had queued.
 */
class ReportWriterIT {
  @Test
  void onlyTheLeaseHolderWritesAndTheOtherTakesOverWhenItGoes() throws Exception {
    KubeApiServer apiServer = KubeApiServer.get();
    Kubectl kubectl = new Kubectl(apiServer);
    ReportCrdsIT.install(kubectl);
    kubectl.run("create", "namespace", "ward");

    try (KubernetesClient client = new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(Files.readString(apiServer.adminKubeconfig))).build()) {
      LeaseLeadership a = new LeaseLeadership(client, "default", "triage-reports", "replica-a", Duration.ofSeconds(3));
      LeaseLeadership b = new LeaseLeadership(client, "default", "triage-reports", "replica-b", Duration.ofSeconds(3));
      try (a; b; ReportWriter writerA = new ReportWriter(client, a, Duration.ofMillis(100), 2, 100);
          ReportWriter writerB = new ReportWriter(client, b, Duration.ofMillis(100), 2, 100)) {
        await(() -> a.getAsBoolean() != b.getAsBoolean(), "one replica leads");
        boolean aLeads = a.getAsBoolean();
        ReportWriter leader = aLeads ? writerA : writerB;
        ReportWriter follower = aLeads ? writerB : writerA;
        LeaseLeadership leaderLease = aLeads ? a : b;
        ReportBuilder builder = new ReportBuilder(ReportFlavor.OPENREPORTS);
        for (int i = 0; i < 5; i++) {
          var report = builder.build(new ReportSubject("apps/v1", "Deployment", "ward", "app-" + i, ""),
              List.of(new RuleResult("require-pdb", "", RuleResult.Outcome.FAIL, "app-" + i + " has no PDB",
                  "dry-run", RuleResult.Source.BACKGROUND, Instant.now(), "")));
          leader.submit(report);
          follower.submit(report);
        }
        await(() -> leader.counts().written() == 5, "the leader writes all five");
        assertEquals(5, kubectl.run("get", "reports", "-n", "ward", "-o", "name").out().strip().split("\n").length);
        assertEquals(new ReportWriter.Counts(0, 0, 0, 0, 5), follower.counts(), "the follower writes nothing");

        leaderLease.close();
        await(() -> follower.counts().written() == 5, "the other replica takes the Lease and writes its queue");
      }
    }
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("within 30 s: " + what);
      }
      Thread.sleep(50);
    }
  }
}
