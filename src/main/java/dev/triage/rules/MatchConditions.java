package dev.triage.rules;

import java.util.function.Consumer;

/**
 * A policy's matchConditions, evaluated as Kubernetes evaluates them for both kinds of policy:
 * every condition is evaluated; any that is false skips the policy, even when another one errs;
 * only when none is false does an error count, under the policy's failurePolicy.
 */
final class MatchConditions {
  /** What the conditions decided: apply the policy, skip it, or an error (described) to answer for. */
  record Verdict(boolean applies, String error) {
    static final Verdict APPLIES = new Verdict(true, null);
    static final Verdict SKIP = new Verdict(false, null);
  }

  private MatchConditions() {}

  /** @param errors receives the policy's name when a condition could not be evaluated */
  static Verdict evaluate(PolicyBase base, Activation activation, Consumer<String> errors) {
    String error = null;
    boolean skip = false;
    for (NamedExpression condition : base.matchConditions()) {
      try {
        if (!Boolean.TRUE.equals(activation.eval(condition.expression()))) {
          skip = true;
        }
      } catch (EvaluationError e) {
        errors.accept(base.name());
        error = error != null ? error : "matchCondition " + condition.name() + ": " + e.getMessage();
      }
    }
    if (skip) {
      return Verdict.SKIP;
    }
    return error == null ? Verdict.APPLIES : new Verdict(false, error);
  }
}
