package dev.triage.exceptions;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The exceptions of one rule snapshot, in file order. */
public record PolicyExceptions(List<PolicyException> all) {
  public static final PolicyExceptions NONE = new PolicyExceptions(List.of());

  /**
   * The first exception that, at {@code now}, lifts validation {@code index} (with static message
   * {@code message}) of {@code policy} for {@code object}.
   */
  public Optional<PolicyException> forValidation(String policy, int index, String message, ExceptedObject object,
      Instant now) {
    return all.stream()
        .filter(e -> e.activeAt(now) && e.match().matches(object))
        .filter(e -> e.target(policy).map(t -> t.covers(index, message)).orElse(false))
        .findFirst();
  }

  /** The first exception that, at {@code now}, lifts the whole of {@code policy} (its mutations) for {@code object}. */
  public Optional<PolicyException> forPolicy(String policy, ExceptedObject object, Instant now) {
    return all.stream()
        .filter(e -> e.activeAt(now) && e.match().matches(object))
        .filter(e -> e.target(policy).map(PolicyTarget::wholePolicy).orElse(false))
        .findFirst();
  }

  public boolean isEmpty() {
    return all.isEmpty();
  }
}
