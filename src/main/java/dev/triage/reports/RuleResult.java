package dev.triage.reports;

import java.time.Instant;

/**
 * One rule's result for one object, as a report lists it.
 *
 * @param rule the validation or binding within the policy; empty for the policy as a whole
 * @param message the rule's own message (what to change); never request values beyond names
 * @param mode the namespace's mode when the result was reached: enforce, warn or dry-run
 * @param exception the exception that lifted a failure (outcome {@code skip}); empty otherwise
 */
public record RuleResult(String policy, String rule, Outcome outcome, String message, String mode, Source source,
    Instant time, String exception) {

  /** The outcomes reports know. */
  public enum Outcome {
    PASS, FAIL, WARN, ERROR, SKIP;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Where the result came from: a review, or the background scan of what already runs. */
  public enum Source {
    ADMISSION, BACKGROUND;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
