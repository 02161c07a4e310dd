package dev.triage.rules;

/**
 * What one policy, through one binding, concluded about one object. The outcome is the rule's own
 * verdict; the namespace's {@link Mode}, carried beside it, says what the answer made of it (a
 * {@code FAIL} in a dry-run namespace denied nothing).
 */
public enum Outcome {
  /** Every validation held. */
  PASS,
  /** A validation failed and the binding's actions include Deny (or a failurePolicy: Fail error). */
  FAIL,
  /** A validation failed and the binding warns (Warn action, no Deny). */
  WARN,
  /** A validation failed and the binding only audits. */
  AUDIT,
  /** An expression could not be evaluated and the policy's failurePolicy ignored it. */
  ERROR,
  /** A matchCondition was false: the policy did not apply. */
  SKIP,
  /** A mutating policy changed the object. */
  MUTATED,
  /** A mutating policy applied and changed nothing. */
  UNCHANGED,
  /**
   * An exception lifted what would have failed (validations), or the whole policy (mutations):
   * the request was admitted as if the rule had held, with a warning naming the exception.
   */
  EXCEPTED;

  /** The lower-case word reports and logs use: {@code pass}, {@code fail}, … */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
