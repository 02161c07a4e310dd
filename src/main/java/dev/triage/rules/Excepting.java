package dev.triage.rules;

import dev.triage.admission.AdmissionRequest;
import dev.triage.exceptions.ExceptedObject;
import dev.triage.exceptions.PolicyException;
import dev.triage.exceptions.PolicyExceptions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The exceptions in force for one request: which failures they lift, and a record of each lift
 * for the warning, the audit annotation and the rule's result.
 */
final class Excepting {
  /** A failure, or a mutating policy's change, that an exception lifted. */
  record Lift(String policy, String message, PolicyException exception) {
    /**
     * "[exception] require-pdb: no PodDisruptionBudget (exception legacy-batch until 2027-03-01)";
     * a long message is shortened so that the exception and its expiry always show.
     */
    String warning() {
      String head = "[exception] " + policy + ": ";
      String tail = " (exception " + exception.name() + " until " + exception.expiresAsWritten() + ")";
      int room = Warnings.MAX_LENGTH - 1 - head.length() - tail.length();
      String said = message.length() <= room ? message : message.substring(0, Math.max(0, room - 1)) + "…";
      return head + said + tail;
    }
  }

  private final PolicyExceptions exceptions;
  private final ExceptedObject object;
  private final Instant now;
  private final List<Lift> lifts = new ArrayList<>();

  Excepting(PolicyExceptions exceptions, AdmissionRequest request, Instant now) {
    this.exceptions = exceptions;
    this.object = exceptions.isEmpty() ? null : ExceptedObject.of(request);
    this.now = now;
  }

  /**
   * Removes from {@code failures} (one validating binding's) those an exception lifts.
   *
   * @return the exception that lifted the first of them, if any did
   */
  Optional<PolicyException> liftValidations(RuleSnapshot.Bound<ValidatingPolicy> bound, List<Failure> failures) {
    if (object == null || failures.isEmpty()) {
      return Optional.empty();
    }
    PolicyException first = null;
    List<Validation> validations = bound.policy().validations();
    for (var it = failures.iterator(); it.hasNext(); ) {
      Failure failure = it.next();
      String staticMessage = failure.index() >= 0 ? validations.get(failure.index()).message() : null;
      Optional<PolicyException> lifting = failure.index() >= 0
          ? exceptions.forValidation(failure.policy(), failure.index(), staticMessage, object, now)
          : exceptions.forPolicy(failure.policy(), object, now);
      if (lifting.isPresent()) {
        it.remove();
        lifts.add(new Lift(failure.policy(), failure.message(), lifting.get()));
        first = first == null ? lifting.get() : first;
      }
    }
    return Optional.ofNullable(first);
  }

  /** The exception that lifts the whole of a mutating policy for this object, recorded as lifting {@code what}. */
  Optional<PolicyException> liftMutation(String policy, String what) {
    if (object == null) {
      return Optional.empty();
    }
    Optional<PolicyException> lifting = exceptions.forPolicy(policy, object, now);
    lifting.ifPresent(exception -> lifts.add(new Lift(policy, what, exception)));
    return lifting;
  }

  List<Lift> lifts() {
    return lifts;
  }
}
