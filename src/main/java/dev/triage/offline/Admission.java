package dev.triage.offline;

import dev.triage.admission.AdmissionRequest;
import dev.triage.admission.AdmissionResponse;
import dev.triage.rules.Decision;
import dev.triage.rules.Engine;
import java.time.Instant;
import dev.triage.rules.Mode;
import dev.triage.rules.Failure;
import dev.triage.rules.ValidationAction;
import java.util.List;

/**
 * A request taken through admission offline as the apiserver would: the mutating webhook, its
 * patch applied, then the validating webhook on the result.
 *
 * @param object the object as it would be stored
 * @param denials "policy: message" for each policy that denied the request, mutating ones first
 */
public record Admission(AdmissionResponse mutation, AdmissionResponse validation, Object object,
    List<String> denials) {

  public static Admission run(Engine engine, AdmissionRequest request) {
    Engine.Review review = engine.review(request, Instant.MAX);
    Decision mutated = review.mutation();
    if (review.validation() == null) {
      return new Admission(mutated.response(), mutated.response(), request.object(), denials(mutated));
    }
    Object stored = mutated.response().patch() != null ? mutated.mutated() : request.object(); // dry-run patches nothing
    return new Admission(mutated.response(), review.validation().response(), stored, denials(review.validation()));
  }

  /**
   * Validation alone, as after a mutating webhook that did not answer in time (mutation is then
   * skipped, and validation judges the object as written).
   */
  public static Admission validateOnly(Engine engine, AdmissionRequest request) {
    Decision validation = engine.validate(request, Instant.MAX);
    return new Admission(AdmissionResponse.allow(), validation.response(), request.object(), denials(validation));
  }

  private static List<String> denials(Decision decision) {
    if (decision.mode() != Mode.ENFORCE) {
      return List.of();
    }
    return decision.failures().stream()
        .filter(failure -> failure.binding().actions().contains(ValidationAction.DENY))
        .map(Failure::describe)
        .toList();
  }

  /** allow, deny or warn: the outcome a user sees. */
  public String verdict() {
    if (!denials.isEmpty() || !validation.allowed()) {
      return "deny";
    }
    return mutation.warnings().isEmpty() && validation.warnings().isEmpty() ? "allow" : "warn";
  }

  /** Everything the user is told: the denial message and all warnings. */
  public String said() {
    return (validation.message() + " " + String.join(" ", mutation.warnings()) + " "
        + String.join(" ", validation.warnings())).strip();
  }
}
