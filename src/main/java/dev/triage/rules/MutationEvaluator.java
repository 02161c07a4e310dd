package dev.triage.rules;

import dev.triage.rules.mutation.ApplyMerge;
import dev.triage.rules.mutation.JsonPatch;
import dev.triage.rules.mutation.JsonTree;
import dev.triage.rules.mutation.PatchOp;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Applies one bound mutating policy to the object as mutated so far. Each mutation sees the
 * result of the ones before it, as in Kubernetes.
 */
final class MutationEvaluator {
  private final RequestContext context;
  private final Consumer<String> errors;

  /** @param errors receives the name of each policy a mutation of which could not be evaluated */
  MutationEvaluator(RequestContext context, Consumer<String> errors) {
    this.context = context;
    this.errors = errors;
  }

  /**
   * @param object the object after this policy's mutations (the same instance when nothing applied)
   * @param skipped a matchCondition was false and the policy did not apply
   */
  record Applied(Object object, boolean skipped) {}

  @SuppressWarnings("unchecked")
  Applied mutate(RuleSnapshot.Bound<MutatingPolicy> bound, Object current, Object params,
      Consumer<Failure> failures) {
    PolicyBase base = bound.base();
    Activation activation = context.activation(current, params, base);
    MatchConditions.Verdict match = MatchConditions.evaluate(base, activation, errors);
    if (!match.applies()) {
      if (match.error() != null) {
        fail(bound, match.error(), "Invalid", 422, failures);
      }
      return new Applied(current, match.error() == null);
    }
    try {
      // The request's object is never changed: mutations copy only the objects and lists on the way to
      // what they change.
      Object result = current;
      for (int i = 0; i < bound.policy().mutations().size(); i++) {
        MutatingPolicy.Mutation mutation = bound.policy().mutations().get(i);
        Activation step = context.activation(result, params, base);
        Object value = step.eval(mutation.expression());
        try {
          if (mutation.jsonPatch()) {
            List<PatchOp> ops = JsonPatch.ops(value);
            if (!ops.isEmpty()) {
              result = JsonPatch.apply(result, ops);
            }
          } else if (JsonTree.fromCel(value) instanceof Map<?, ?> configuration
              && result instanceof Map<?, ?> object) {
            result = ApplyMerge.merge((Map<String, Object>) object, configuration);
          } else {
            throw new IllegalArgumentException("an ApplyConfiguration mutation must yield Object{...}");
          }
        } catch (IllegalArgumentException e) {
          // Paths and values in the message may come from the object: described like CEL's errors.
          throw new EvaluationError("mutations[" + i + "]: " + EvaluationError.describe(e, mutation.expression().text()));
        }
      }
      return new Applied(result, false);
    } catch (EvaluationError e) {
      errors.accept(base.name());
      fail(bound, e.getMessage(), "InternalError", 500, failures);
      return new Applied(current, false);
    }
  }

  /**
   * A mutation that could not apply answers to the policy's failurePolicy, as in Kubernetes: Fail
   * denies the request; Ignore admits it unchanged, with a warning that names the policy.
   */
  private static void fail(RuleSnapshot.Bound<MutatingPolicy> bound, String message, String reason, int code,
      Consumer<Failure> failures) {
    PolicyBase base = bound.base();
    if (base.failClosed()) {
      failures.accept(new Failure(base.name(), bound.binding(), -1, message, reason, code));
    } else {
      failures.accept(new Failure(base.name(), bound.binding().withActions(java.util.Set.of(ValidationAction.WARN)),
          -1, "not applied (failurePolicy: Ignore): " + message, reason, code));
    }
  }
}
