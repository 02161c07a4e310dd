package dev.triage.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Kubernetes label selector (matchLabels and matchExpressions). An empty selector matches
 * everything, as in admission policies; {@link #NOTHING} matches nothing (a PDB with a null
 * selector).
 */
public record LabelSelector(Map<String, String> matchLabels, List<Requirement> requirements) {
  public static final LabelSelector EVERYTHING = new LabelSelector(Map.of(), List.of());
  public static final LabelSelector NOTHING =
      new LabelSelector(Map.of(), List.of(new Requirement("", Operator.IN, Set.of())));

  public enum Operator { IN, NOT_IN, EXISTS, DOES_NOT_EXIST }

  public record Requirement(String key, Operator operator, Set<String> values) {
    boolean matches(Map<String, String> labels) {
      return switch (operator) {
        case IN -> labels.containsKey(key) && values.contains(labels.get(key));
        case NOT_IN -> !labels.containsKey(key) || !values.contains(labels.get(key));
        case EXISTS -> labels.containsKey(key);
        case DOES_NOT_EXIST -> !labels.containsKey(key);
      };
    }
  }

  public boolean matches(Map<String, String> labels) {
    for (Map.Entry<String, String> e : matchLabels.entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    for (Requirement requirement : requirements) {
      if (!requirement.matches(labels)) {
        return false;
      }
    }
    return true;
  }

  public boolean isEmpty() {
    return matchLabels.isEmpty() && requirements.isEmpty();
  }

  /**
   * Reads a selector from its parsed form.
   *
   * @throws IllegalArgumentException naming the field at fault
   */
  public static LabelSelector parse(Object value) {
    if (!(value instanceof Map<?, ?> map)) {
      return EVERYTHING;
    }
    Map<String, String> labels = Map.of();
    if (map.get("matchLabels") instanceof Map<?, ?> given) {
      for (Map.Entry<?, ?> e : given.entrySet()) {
        if (!(e.getValue() instanceof String)) {
          throw new IllegalArgumentException("matchLabels." + e.getKey() + " must be a string");
        }
      }
      @SuppressWarnings("unchecked")
      Map<String, String> typed = Map.copyOf((Map<String, String>) given);
      labels = typed;
    }
    List<Requirement> requirements = new ArrayList<>();
    if (map.get("matchExpressions") instanceof List<?> expressions) {
      for (int i = 0; i < expressions.size(); i++) {
        String field = "matchExpressions[" + i + "]";
        if (!(expressions.get(i) instanceof Map<?, ?> expression)
            || !(expression.get("key") instanceof String key)) {
          throw new IllegalArgumentException(field + ".key is required");
        }
        Operator operator = switch (String.valueOf(expression.get("operator"))) {
          case "In" -> Operator.IN;
          case "NotIn" -> Operator.NOT_IN;
          case "Exists" -> Operator.EXISTS;
          case "DoesNotExist" -> Operator.DOES_NOT_EXIST;
          default -> throw new IllegalArgumentException(
              field + ".operator must be one of In, NotIn, Exists, DoesNotExist");
        };
        Set<String> values = Set.of();
        if (expression.get("values") instanceof List<?> given) {
          values = Set.copyOf(given.stream().map(String::valueOf).toList());
        }
        boolean needsValues = operator == Operator.IN || operator == Operator.NOT_IN;
        if (needsValues == values.isEmpty()) {
          throw new IllegalArgumentException(field + ".values must be "
              + (needsValues ? "non-empty for In and NotIn" : "empty for Exists and DoesNotExist"));
        }
        requirements.add(new Requirement(key, operator, values));
      }
    }
    return new LabelSelector(labels, List.copyOf(requirements));
  }
}
