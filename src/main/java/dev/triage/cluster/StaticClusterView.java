package dev.triage.cluster;

import dev.triage.admission.AdmissionRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A cluster view made of given objects (manifests, test fixtures): the Namespaces and
 * PodDisruptionBudgets among them; everything else is ignored.
 */
public final class StaticClusterView implements ClusterView {
  private final Map<String, Map<String, Object>> namespaces = new HashMap<>();
  private final Map<String, List<Map<String, Object>>> budgets = new HashMap<>();

  public StaticClusterView(List<Map<String, Object>> objects, String defaultNamespace) {
    for (Map<String, Object> object : objects) {
      Map<?, ?> metadata = object.get("metadata") instanceof Map<?, ?> m ? m : Map.of();
      String name = AdmissionRequest.string(metadata, "name");
      switch (AdmissionRequest.string(object, "kind")) {
        case "Namespace" -> namespaces.put(name, object);
        case "PodDisruptionBudget" -> {
          String namespace = AdmissionRequest.string(metadata, "namespace");
          budgets.computeIfAbsent(namespace.isEmpty() ? defaultNamespace : namespace, k -> new ArrayList<>())
              .add(object);
        }
        default -> { }
      }
    }
  }

  @Override
  public Optional<Map<String, Object>> namespace(String name) {
    return Optional.ofNullable(namespaces.get(name));
  }

  @Override
  public List<Map<String, Object>> podDisruptionBudgets(String namespace) {
    return budgets.getOrDefault(namespace, List.of());
  }
}
