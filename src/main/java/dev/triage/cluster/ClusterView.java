package dev.triage.cluster;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What rules may read of the cluster beyond the admitted object: Namespaces (for
 * {@code namespaceObject}, namespace selectors and modes) and PodDisruptionBudgets.
 * Lookups answer from memory; they never block.
 */
public interface ClusterView {
  ClusterView EMPTY = new ClusterView() {
    @Override
    public Optional<Map<String, Object>> namespace(String name) {
      return Optional.empty();
    }

    @Override
    public List<Map<String, Object>> podDisruptionBudgets(String namespace) {
      return List.of();
    }
  };

  Optional<Map<String, Object>> namespace(String name);

  List<Map<String, Object>> podDisruptionBudgets(String namespace);

  /**
   * This view with the namespace and its PodDisruptionBudgets read afresh from their source,
   * for when a denial rests on a cache that may lag a moment behind. Views without a live
   * source return themselves.
   */
  default ClusterView refreshed(String namespace) {
    return this;
  }
}
