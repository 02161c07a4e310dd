package dev.triage.bench;

import dev.triage.admission.BadReviewException;
import dev.triage.cluster.StaticClusterView;
import dev.triage.rules.CelEnvironment;
import dev.triage.rules.Engine;
import dev.triage.rules.RuleCompiler;
import dev.triage.rules.RuleFiles;
import dev.triage.rules.RuleSnapshot;
import dev.triage.server.DecisionLog;
import dev.triage.server.Endpoint;
import dev.triage.server.ReviewHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What the engine benchmarks share: the rules directory ({@code -Dtriage.rules}, default
 * {@code rules}), the reviews ({@code -Dtriage.reviews}, default {@code bench/reviews}), and a
 * review path identical to the server's minus HTTP: parse, engine, decision log line, response bytes.
 */
final class Fixtures {
  /** The budget the server gives a review under the apiserver's default 10 s timeout. */
  static final Duration BUDGET = Duration.ofSeconds(8);

  private Fixtures() {}

  static Path rules() {
    return Path.of(System.getProperty("triage.rules", "rules"));
  }

  static RuleSnapshot load(Path rules) {
    return load(rules, "compiled");
  }

  /** @param runtime {@code compiled}, or {@code interpreter} for dev.cel's interpreter on every expression */
  static RuleSnapshot load(Path rules, String runtime) {
    CelEnvironment cel = runtime.equals("interpreter") ? CelEnvironment.interpreterOnly() : new CelEnvironment();
    RuleSnapshot snapshot = RuleFiles.load(rules, new RuleCompiler(cel));
    if (!snapshot.errors().isEmpty()) {
      throw new IllegalStateException("rules did not load: " + snapshot.errors());
    }
    return snapshot;
  }

  /** The review body for an endpoint: the authored object for /mutate, the admitted one for /validate. */
  static byte[] review(String name, Endpoint endpoint) throws IOException {
    String file = name + (endpoint == Endpoint.VALIDATE ? ".validate.json" : ".mutate.json");
    return Files.readAllBytes(Path.of(System.getProperty("triage.reviews", "bench/reviews"), file));
  }

  /**
   * A handler over the given rules whose cluster holds a PodDisruptionBudget for each benchmark
   * workload, so a review is admitted as it would be in a cluster that follows the rules. Decision
   * lines are formatted and discarded.
   */
  static ReviewHandler handler(RuleSnapshot rules) {
    Clock clock = Clock.systemUTC();
    Engine engine = new Engine(() -> rules, cluster(), clock);
    return new ReviewHandler(engine, new DecisionLog(new PrintStream(OutputStream.nullOutputStream()), clock), clock);
  }

  /** The cluster the benchmark reviews are admitted into: a PodDisruptionBudget for each workload. */
  static StaticClusterView cluster() {
    return new StaticClusterView(List.of(pdb("clinical", "ehr-api"),
        pdb("integration", "integration-hub"), pdb("laboratory", "lab-results-worker")), "default");
  }

  /** One review through the handler, as the server runs it; returns the response bytes. */
  static byte[] admit(ReviewHandler handler, Endpoint endpoint, byte[] body) throws BadReviewException {
    return handler.decide(endpoint, handler.parse(endpoint, body), BUDGET).body();
  }

  private static Map<String, Object> pdb(String namespace, String app) {
    return Map.of("apiVersion", "policy/v1", "kind", "PodDisruptionBudget",
        "metadata", Map.of("name", app, "namespace", namespace),
        "spec", Map.of("maxUnavailable", 1L,
            "selector", Map.of("matchLabels", Map.of("app.kubernetes.io/name", app))));
  }
}
