package dev.triage.offline;

import dev.triage.admission.AdmissionRequest;
import dev.triage.admission.AdmissionResponse;
import dev.triage.rules.Decision;
import dev.triage.rules.Engine;
import java.time.Instant;
import dev.triage.rules.Mode;
import dev.triage.rules.Failure;
import dev.triage.rules.ValidationAction;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
    Decision mutated = engine.mutate(request, Instant.MAX);
    AdmissionRequest validated = request;
    if (mutated.response().patch() != null) { // in dry-run mode nothing is patched
      Map<String, Object> raw = new LinkedHashMap<>(request.raw());
      raw.put("object", mutated.mutated());
      validated = new AdmissionRequest(raw);
    }
    if (!mutated.response().allowed()) {
      return new Admission(mutated.response(), mutated.response(), request.object(), denials(mutated));
    }
    Decision validation = engine.validate(validated, Instant.MAX);
    return new Admission(mutated.response(), validation.response(), validated.object(), denials(validation));
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
