package dev.triage.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.triage.cluster.ClusterView;
import dev.triage.cluster.StaticClusterView;
import dev.triage.reports.ReportBuilder;
import dev.triage.reports.ReportFlavor;
import dev.triage.rules.CelEnvironment;
import dev.triage.rules.Engine;
import dev.triage.rules.RuleCompiler;
import dev.triage.rules.RuleFiles;
import dev.triage.rules.RuleSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scan without an API server: stored objects in, reports out, with the shipped require-pdb
 * rule and one that records how the scan's request looks to a rule.
 */
class BackgroundScanTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-05T12:00:00Z"), ZoneOffset.UTC);
  private static final String AS_UPDATE = """
      apiVersion: admissionregistration.k8s.io/v1
      kind: ValidatingAdmissionPolicy
      metadata: {name: seen-as-update}
      spec:
        matchConstraints:
          resourceRules:
          - {apiGroups: ["*"], apiVersions: ["*"], operations: [UPDATE], resources: ["*"]}
        validations:
        - expression: "false"
          messageExpression: >-
            request.operation + ' of ' + request.kind.kind + ' ' + request.namespace + '/' + request.name
            + ' (' + request.resource.resource + ') by ' + request.userInfo.username
            + (oldObject == object ? ', unchanged' : ', changed')
      """;
  private static final Map<String, Object> USER = Map.of("username", "system:serviceaccount:triage-system:triage",
      "groups", List.of("system:serviceaccounts", "system:serviceaccounts:triage-system", "system:authenticated"));

  @TempDir
  Path rulesDir;
  private final List<Map<String, Object>> stored = new ArrayList<>();
  private final List<Map<String, Object>> reports = new ArrayList<>();
  private final AtomicReference<RuleSnapshot> rules = new AtomicReference<>();
  private final AtomicLong now = new AtomicLong();

  @BeforeEach
  void loadRules() throws Exception {
    Files.copy(Path.of("rules/require-pdb.yaml"), rulesDir.resolve("require-pdb.yaml"));
    Files.writeString(rulesDir.resolve("seen-as-update.yaml"), AS_UPDATE);
    rules.set(compile());
  }

  private RuleSnapshot compile() {
    RuleSnapshot snapshot = RuleFiles.load(rulesDir, new RuleCompiler(new CelEnvironment(), CLOCK));
    assertEquals(List.of(), snapshot.errors());
    return snapshot;
  }

  private BackgroundScan scan(Consumer<Map<String, Object>> sink) {
    ClusterView cluster = new StaticClusterView(List.of(namespace("clinical"), namespace("kube-system"),
        Map.of("apiVersion", "v1", "kind", "Namespace",
            "metadata", Map.of("name", "sandbox", "labels", Map.of("triage.dev/ignore", "true")))), "default");
    Engine engine = new Engine(rules::get, cluster, CLOCK);
    WorkloadReview review = new WorkloadReview(engine, new ReportBuilder(ReportFlavor.OPENREPORTS), USER,
        Duration.ofSeconds(2), CLOCK);
    return new BackgroundScan(() -> List.copyOf(stored), rules::get,
        new ReviewedNamespaces(Set.of("kube-system", "triage-system"), cluster), review, sink, Duration.ofHours(1), 0.1,
        now::get);
  }

  private BackgroundScan scan() {
    return scan(reports::add);
  }

  @Test
  void eachStoredWorkloadGetsAReportFromTheRulesWithSourceBackground() throws Exception {
    stored.add(deployment("notes-api", 3));
    stored.add(deployment("single", 1));
    BackgroundScan scan = scan();

    assertEquals(2, scan.scanPending());

    Map<String, Object> notes = report("deployment-notes-api");
    assertEquals("Report", notes.get("kind"));
    assertEquals(Map.of("apiVersion", "apps/v1", "kind", "Deployment", "name", "notes-api",
        "namespace", "clinical", "uid", "uid-notes-api"), notes.get("scope"));
    Map<String, Object> pdb = result(notes, "require-pdb");
    assertEquals("fail", pdb.get("result"));
    assertEquals("Deployment notes-api (3 replicas) has no PodDisruptionBudget selecting app=notes-api; add one",
        pdb.get("message"));
    assertEquals(Map.of("mode", "enforce", "source", "background"), pdb.get("properties"));
    assertEquals("pass", result(report("deployment-single"), "require-pdb").get("result"));
    assertEquals(new BackgroundScan.Counts(2, 0, 0), scan.counts());
  }

  @Test
  void aRuleSeesAnUnchangedUpdateByTriagesServiceAccount() throws Exception {
    stored.add(deployment("notes-api", 3));
    scan().scanPending();

    assertEquals("UPDATE of Deployment clinical/notes-api (deployments) by"
        + " system:serviceaccount:triage-system:triage, unchanged",
        result(report("deployment-notes-api"), "seen-as-update").get("message"));
  }

  @Test
  void podsReplicaSetsAndJobsAControllerOwnsAreLeftToTheirOwner() throws Exception {
    stored.add(owned(object("v1", "Pod", "web-7d9f-x2"), true));
    stored.add(object("v1", "Pod", "debug"));
    stored.add(owned(object("apps/v1", "ReplicaSet", "web-7d9f"), true));
    stored.add(owned(object("apps/v1", "ReplicaSet", "adopted-by-nobody"), false));
    stored.add(owned(object("batch/v1", "Job", "nightly-28000"), true));
    stored.add(object("batch/v1", "Job", "migrate"));
    stored.add(object("batch/v1", "CronJob", "nightly"));
    stored.add(owned(object("apps/v1", "StatefulSet", "db"), true));
    scan().scanPending();

    assertEquals(List.of("pod-debug", "replicaset-adopted-by-nobody", "job-migrate", "cronjob-nightly",
        "statefulset-db"), names());
  }

  @Test
  void namespacesTheWebhooksAreNotSentRequestsFromAreNotReported() throws Exception {
    stored.add(inNamespace(deployment("coredns", 2), "kube-system"));
    stored.add(inNamespace(deployment("triage", 3), "triage-system"));
    stored.add(inNamespace(deployment("experiment", 3), "sandbox"));
    stored.add(deployment("notes-api", 3));

    assertEquals(1, scan().scanPending());
    assertEquals(List.of("deployment-notes-api"), names());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> inNamespace(Map<String, Object> object, String namespace) {
    ((Map<String, Object>) object.get("metadata")).put("namespace", namespace);
    return object;
  }

  @Test
  void aWorkloadThatChangesIsScannedOnceInItsLatestVersion() throws Exception {
    BackgroundScan scan = scan();
    scan.scanPending();
    reports.clear();

    scan.changed(deployment("notes-api", 3));
    scan.changed(deployment("notes-api", 1));
    scan.changed(deployment("gone", 3));
    scan.removed(deployment("gone", 3));
    scan.changed(owned(object("v1", "Pod", "debug"), false));
    scan.changed(owned(object("v1", "Pod", "debug"), true)); // adopted before it was scanned

    assertEquals(1, scan.scanPending());
    assertEquals("pass", result(report("deployment-notes-api"), "require-pdb").get("result"));
  }

  @Test
  void aChangeToANamespaceOrItsBudgetsRescansItsWorkloadsAlone() throws Exception {
    stored.add(deployment("notes-api", 3));
    Map<String, Object> elsewhere = deployment("billing", 1);
    @SuppressWarnings("unchecked")
    Map<String, Object> metadata = (Map<String, Object>) elsewhere.get("metadata");
    metadata.put("namespace", "billing");
    stored.add(elsewhere);
    BackgroundScan scan = scan();
    scan.scanPending();
    reports.clear();

    scan.namespaceChanged("clinical");
    assertEquals(1, scan.scanPending(), "a PodDisruptionBudget added in clinical: its workloads again, at once");
    assertEquals(List.of("deployment-notes-api"), reports.stream()
        .map(r -> String.valueOf(((Map<?, ?>) r.get("metadata")).get("name"))).toList());
  }

  @Test
  void metricsSayWhatTheScanReviewedSkippedAndHasLeft() throws Exception {
    stored.add(deployment("notes-api", 3));
    stored.add(deployment("single", 1));
    stored.add(deployment("refused", 1));
    BackgroundScan scan = scan(report -> {
      if (String.valueOf(report.get("metadata")).contains("refused")) {
        throw new IllegalStateException("the writer failed");
      }
    });
    dev.triage.server.Metrics metrics = new dev.triage.server.Metrics();
    metrics.backgroundScan(scan::counts);
    scan.changed(deployment("waiting", 1));
    assertTrue(metrics.scrape().contains("\ntriage_scan_pending 1.0\n"), metrics.scrape());

    scan.scanPending();
    String scrape = metrics.scrape();
    assertTrue(scrape.contains("\ntriage_scan_workloads_total 3.0\n"), scrape);
    assertTrue(scrape.contains("\ntriage_scan_skipped_total 1.0\n"), scrape);
    assertTrue(scrape.contains("\ntriage_scan_pending 0.0\n"), scrape);
  }

  @Test
  void everythingIsScannedAgainWhenTheRulesChangeAndEveryIntervalButNotOtherwise() throws Exception {
    stored.add(deployment("notes-api", 3));
    stored.add(deployment("single", 1));
    BackgroundScan scan = scan();
    assertEquals(2, scan.scanPending());
    assertEquals(0, scan.scanPending());

    rules.set(compile());
    assertEquals(2, scan.scanPending(), "a new rule snapshot (rules or exceptions) rescans all");
    assertEquals(0, scan.scanPending());

    now.addAndGet(Duration.ofMinutes(59).toNanos());
    assertEquals(0, scan.scanPending());
    now.addAndGet(Duration.ofMinutes(1).toNanos());
    assertEquals(2, scan.scanPending(), "the interval rescans all");
    assertEquals(0, scan.scanPending());
  }

  @Test
  void anObjectTheScanFailsOnIsSkippedAndTheOthersAreReported() throws Exception {
    stored.add(deployment("breaks", 3));
    stored.add(deployment("notes-api", 3));
    BackgroundScan scan = scan(report -> {
      if (((Map<?, ?>) report.get("metadata")).get("name").equals("deployment-breaks")) {
        throw new IllegalStateException("refused");
      }
      reports.add(report);
    });

    assertEquals(2, scan.scanPending());
    assertEquals(List.of("deployment-notes-api"), names());
    assertEquals(new BackgroundScan.Counts(1, 1, 0), scan.counts());
  }

  private List<String> names() {
    return reports.stream().map(report -> (String) ((Map<?, ?>) report.get("metadata")).get("name")).toList();
  }

  private Map<String, Object> report(String name) {
    return reports.stream().filter(report -> ((Map<?, ?>) report.get("metadata")).get("name").equals(name))
        .findFirst().orElseThrow(() -> new AssertionError("no report " + name + " in " + names()));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> result(Map<String, Object> report, String policy) {
    return ((List<Map<String, Object>>) report.get("results")).stream()
        .filter(result -> result.get("policy").equals(policy)).findFirst()
        .orElseThrow(() -> new AssertionError("no result for " + policy + " in " + report.get("results")));
  }

  private static Map<String, Object> namespace(String name) {
    return Map.of("apiVersion", "v1", "kind", "Namespace", "metadata", Map.of("name", name));
  }

  private static Map<String, Object> object(String apiVersion, String kind, String name) {
    return new java.util.LinkedHashMap<>(Map.of("apiVersion", apiVersion, "kind", kind,
        "metadata", new java.util.LinkedHashMap<>(Map.of("name", name, "namespace", "clinical", "uid", "uid-" + name)),
        "spec", Map.of()));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> owned(Map<String, Object> object, boolean controller) {
    ((Map<String, Object>) object.get("metadata")).put("ownerReferences", List.of(Map.of("apiVersion", "apps/v1",
        "kind", "ReplicaSet", "name", "owner", "uid", "uid-owner", "controller", controller)));
    return object;
  }

  private static Map<String, Object> deployment(String name, long replicas) {
    Map<String, Object> deployment = object("apps/v1", "Deployment", name);
    Map<String, Object> labels = Map.of("app", name);
    deployment.put("spec", Map.of("replicas", replicas, "selector", Map.of("matchLabels", labels),
        "template", Map.of("metadata", Map.of("labels", labels),
            "spec", Map.of("containers", List.of(Map.of("name", "app", "image", "registry.example/app:1"))))));
    return deployment;
  }
}
