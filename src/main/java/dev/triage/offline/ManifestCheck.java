package dev.triage.offline;

import dev.triage.admission.AdmissionRequest;
import dev.triage.admission.ManifestRequests;
import dev.triage.cluster.StaticClusterView;
import dev.triage.rules.Engine;
import dev.triage.rules.RuleSnapshot;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Evaluates manifests as a {@code kubectl apply} or Argo CD sync would present them: each
 * object is created, mutated, then validated; the Namespaces and PodDisruptionBudgets among
 * them form the cluster view, as they would once applied.
 */
public final class ManifestCheck {
  private ManifestCheck() {}

  /** One object's outcome. */
  public record Result(String kind, String namespace, String name, Admission admission) {
    public String describe() {
      return kind + " " + (namespace.isEmpty() ? "" : namespace + "/") + name;
    }
  }

  public static List<Result> run(RuleSnapshot rules, List<Map<String, Object>> objects, String defaultNamespace) {
    Engine engine = new Engine(() -> rules, new StaticClusterView(objects, defaultNamespace), Clock.systemUTC());
    List<Result> results = new ArrayList<>();
    for (Map<String, Object> object : objects) {
      AdmissionRequest request = ManifestRequests.of(object, null, "CREATE", defaultNamespace);
      results.add(new Result(request.kind(), request.namespace(), request.name(), Admission.run(engine, request)));
    }
    return results;
  }
}
