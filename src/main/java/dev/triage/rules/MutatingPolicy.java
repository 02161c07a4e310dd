package dev.triage.rules;

import java.util.List;

/**
 * A compiled MutatingAdmissionPolicy.
 *
 * @param reinvoke {@code reinvocationPolicy: IfNeeded}
 */
public record MutatingPolicy(PolicyBase base, List<Mutation> mutations, boolean reinvoke) {

  /** One {@code mutations} entry: a JSONPatch list or an apply configuration, computed by CEL. */
  public record Mutation(boolean jsonPatch, Expression expression) {}
}
