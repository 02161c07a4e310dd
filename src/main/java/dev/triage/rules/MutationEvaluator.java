package dev.triage.rules;

import dev.triage.rules.mutation.ApplyMerge;
import dev.triage.rules.mutation.JsonPatch;
import dev.triage.rules.mutation.JsonTree;
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
   * @param object the object after this policy (the same instance when nothing applied)
   * @param skipped a matchCondition was false
   * @param error why the policy could not be applied; null when it could
   */
  record Applied(Object object, boolean skipped, String error) {}

  @SuppressWarnings("unchecked")
  Applied mutate(RuleSnapshot.Bound<MutatingPolicy> bound, Object current, Object params,
      Consumer<Failure> failures) {
    PolicyBase base = bound.base();
    MatchConditions conditions = MatchConditions.check(base, context.activation(current, params, base));
    if (conditions.skip()) {
      return new Applied(current, true, null);
    }
    try {
      if (conditions.error() != null) {
        throw new EvaluationError(conditions.error());
      }
      Object result = JsonTree.copy(current);
      for (int i = 0; i < bound.policy().mutations().size(); i++) {
        MutatingPolicy.Mutation mutation = bound.policy().mutations().get(i);
        Activation step = context.activation(result, params, base);
        Object value = step.eval(mutation.expression());
        try {
          if (mutation.jsonPatch()) {
            result = JsonPatch.apply(result, JsonPatch.ops(value));
          } else if (JsonTree.fromCel(value) instanceof Map<?, ?> configuration
              && result instanceof Map<?, ?> object) {
            ApplyMerge.merge((Map<String, Object>) object, configuration);
          } else {
            throw new IllegalArgumentException("an ApplyConfiguration mutation must yield Object{...}");
          }
        } catch (IllegalArgumentException | ClassCastException | NullPointerException e) {
          // A value of the wrong type (a JSONPatch whose from is not a string, say) is the rule's
          // error, not the server's. Paths and values in the message may come from the object:
          // described like CEL's errors.
          throw new EvaluationError("mutations[" + i + "]: " + EvaluationError.describe(e, mutation.expression().text()));
        }
      }
      return new Applied(result, false, null);
    } catch (EvaluationError e) {
      errors.accept(base.name());
      if (base.failClosed()) {
        failures.accept(new Failure(base.name(), bound.binding(), -1, e.getMessage(), "InternalError", 500));
      }
      return new Applied(current, false, e.getMessage());
    }
  }
}
