package dev.triage.rules;

import dev.triage.cluster.ClusterView;
import java.util.AbstractMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code cluster} variable: what a rule may read of the cluster beyond the admitted
 * object, fetched from the cluster view only when an expression reads it.
 * {@code cluster.podDisruptionBudgets} lists the PodDisruptionBudgets of the request's namespace.
 */
final class ClusterVariable extends AbstractMap<String, Object> {
  static final String PDBS = "podDisruptionBudgets";

  private final ClusterView view;
  private final String namespace;
  private List<Map<String, Object>> budgets;

  ClusterVariable(ClusterView view, String namespace) {
    this.view = view;
    this.namespace = namespace;
  }

  @Override
  public boolean containsKey(Object key) {
    return PDBS.equals(key);
  }

  @Override
  public Object get(Object key) {
    if (!PDBS.equals(key)) {
      return null;
    }
    if (budgets == null) {
      budgets = namespace.isEmpty() ? List.of() : view.podDisruptionBudgets(namespace);
    }
    return budgets;
  }

  /** Whether an expression read the cluster view. */
  boolean read() {
    return budgets != null;
  }

  @Override
  public Set<Entry<String, Object>> entrySet() {
    return Map.<String, Object>of(PDBS, get(PDBS)).entrySet();
  }
}
