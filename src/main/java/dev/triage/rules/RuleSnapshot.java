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

  /** Every expression of every policy, each once. */
  public List<Expression> expressions() {
    List<Expression> all = new java.util.ArrayList<>();
    java.util.Set<Object> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (Bound<ValidatingPolicy> bound : validating) {
      if (seen.add(bound.policy())) {
        addBase(all, bound.base());
        for (Validation validation : bound.policy().validations()) {
          all.add(validation.expression());
          if (validation.messageExpression() != null) {
            all.add(validation.messageExpression());
          }
        }
        bound.policy().auditAnnotations().forEach(a -> all.add(a.valueExpression()));
      }
    }
    for (Bound<MutatingPolicy> bound : mutating) {
      if (seen.add(bound.policy())) {
        addBase(all, bound.base());
        bound.policy().mutations().forEach(m -> all.add(m.expression()));
      }
    }
    return all;
  }

  private static void addBase(List<Expression> all, PolicyBase base) {
    base.matchConditions().forEach(c -> all.add(c.expression()));
    base.variables().forEach(v -> all.add(v.expression()));
  }

  /** How many expressions the compiled runtime evaluates, and how many are left to dev.cel's interpreter. */
  public record Runtimes(long compiled, long interpreted) {
    @Override
    public String toString() {
      return compiled + " expressions compiled, " + interpreted + " on dev.cel's interpreter";
    }
  }

  public Runtimes runtimes() {
    List<Expression> all = expressions();
    long compiled = all.stream().filter(Expression::isCompiled).count();
    return new Runtimes(compiled, all.size() - compiled);
  }

  public int policyCount() {
    return (int) java.util.stream.Stream.concat(validating.stream(), mutating.stream())
        .map(b -> b.base().kind() + "/" + b.base().name()).distinct().count();
  }
}
