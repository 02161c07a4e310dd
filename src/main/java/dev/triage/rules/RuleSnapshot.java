package dev.triage.rules;

import dev.triage.exceptions.PolicyExceptions;
import java.util.List;
import java.util.Map;

/**
 * An immutable, compiled rule set: what one review is evaluated against. Swapped whole on
 * reload, so a review never sees half of an edit.
 *
 * @param exceptions the {@code Exception} documents beside the rules; each lapses by itself at its expiry
 * @param errors problems found while loading; the rules they concern are not in the snapshot
 */
public record RuleSnapshot(List<Bound<ValidatingPolicy>> validating, List<Bound<MutatingPolicy>> mutating,
    List<Map<String, Object>> params, PolicyExceptions exceptions, List<RuleError> errors) {

  public static final RuleSnapshot EMPTY =
      new RuleSnapshot(List.of(), List.of(), List.of(), PolicyExceptions.NONE, List.of());

  /** A policy together with one of its bindings: the unit that is matched and evaluated. */
  public record Bound<P>(PolicyBase base, P policy, PolicyBinding binding) {}

  public int policyCount() {
    return (int) java.util.stream.Stream.concat(validating.stream(), mutating.stream())
        .map(b -> b.base().kind() + "/" + b.base().name()).distinct().count();
  }
}
