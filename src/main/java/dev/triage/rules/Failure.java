package dev.triage.rules;

/**
 * A failed validation (or an evaluation error under {@code failurePolicy: Fail}) before the
 * binding's actions decide what it does.
 *
 * @param index the validation's index, or -1 for a failure of the policy as a whole
 */
public record Failure(String policy, PolicyBinding binding, int index, String message, String reason, int code) {

  /** "require-pdb: Deployment ehr-api has no PodDisruptionBudget" */
  public String describe() {
    return policy + ": " + message;
  }
}
