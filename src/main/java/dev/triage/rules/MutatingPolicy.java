package dev.triage.rules;

import java.util.List;

/**
 * A compiled MutatingAdmissionPolicy. Its reinvocationPolicy is checked but not kept: Triage's
 * mutating webhook is registered with {@code reinvocationPolicy: IfNeeded} as a whole.
 */
public record MutatingPolicy(PolicyBase base, List<Mutation> mutations) {

  /** One {@code mutations} entry: a JSONPatch list or an apply configuration, computed by CEL. */
  public record Mutation(boolean jsonPatch, Expression expression) {}
}
