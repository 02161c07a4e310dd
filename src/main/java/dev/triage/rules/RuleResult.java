package dev.triage.rules;

import dev.triage.rules.mutation.PatchOp;
import java.util.List;

/**
 * One policy's result through one binding, for one object: what the decision log, metrics, the
 * CLI and policy reports read, field by field.
 *
 * @param rule the policy's name
 * @param binding the binding's name (the policy's own name for the implicit binding)
 * @param message what failed, joined for several validations ("" when nothing did)
 * @param reason the first failure's reason ({@code Invalid}, {@code Forbidden}, …); "" when nothing failed
 * @param patch for {@link Outcome#MUTATED}, the changes this policy made; otherwise empty
 * @param mode the namespace's mode the answer was given in
 * @param source where the object was seen
 * @param exception for {@link Outcome#EXCEPTED}, the name of the exception that applied; otherwise ""
 */
public record RuleResult(String rule, String binding, Outcome outcome, String message, String reason,
    List<PatchOp> patch, Mode mode, Source source, String exception) {

  /** Where an evaluation came from: an admission review, or a scan of what already runs. */
  public enum Source { ADMISSION, BACKGROUND }

  public RuleResult {
    patch = List.copyOf(patch);
  }
}
