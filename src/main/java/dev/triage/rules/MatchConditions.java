package dev.triage.rules;

/**
 * A policy's matchConditions, evaluated as Kubernetes does for both kinds of policy: every
 * condition is evaluated; any {@code false} skips the policy, even when another one erred; only
 * when none is false does an error count (under the policy's failurePolicy).
 *
 * @param skip a condition was false
 * @param error the first condition's error, when none was false; null when all held
 */
record MatchConditions(boolean skip, String error) {
  private static final MatchConditions APPLY = new MatchConditions(false, null);
  private static final MatchConditions SKIPPED = new MatchConditions(true, null);

  static MatchConditions check(PolicyBase policy, Activation activation) {
    String error = null;
    for (NamedExpression condition : policy.matchConditions()) {
      try {
        if (!Boolean.TRUE.equals(activation.eval(condition.expression()))) {
          return SKIPPED;
        }
      } catch (EvaluationError e) {
        error = error != null ? error : "matchCondition " + condition.name() + ": " + e.getMessage();
      }
    }
    return error == null ? APPLY : new MatchConditions(false, error);
  }
}
