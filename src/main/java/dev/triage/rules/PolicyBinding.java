package dev.triage.rules;

import java.util.Set;

/**
 * A ValidatingAdmissionPolicyBinding, or a MutatingAdmissionPolicyBinding (whose actions are
 * Deny: a failure of a mutating policy denies when its failurePolicy is Fail, as in Kubernetes). A
 * policy file without a binding gets an implicit one that applies everywhere with Deny.
 *
 * @param match null when the binding does not narrow the policy's match
 * @param paramRef null when the policy is evaluated with {@code params} = null
 */
public record PolicyBinding(String name, String policyName, Set<ValidationAction> actions,
    MatchResources match, ParamRef paramRef, boolean implicit) {

  /** This binding with other actions. */
  public PolicyBinding withActions(Set<ValidationAction> actions) {
    return new PolicyBinding(name, policyName, Set.copyOf(actions), match, paramRef, implicit);
  }

  public static PolicyBinding implicit(String policyName) {
    return new PolicyBinding(policyName, policyName, Set.of(ValidationAction.DENY), null, null, true);
  }
}
