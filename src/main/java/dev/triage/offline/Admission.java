package dev.triage.offline;

import dev.triage.admission.AdmissionRequest;
import dev.triage.admission.AdmissionResponse;
import dev.triage.rules.Decision;
import dev.triage.rules.Engine;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request taken through admission offline as the apiserver would: the mutating webhook, its
 * patch applied, then the validating webhook on the result.
 *
 * @param object the object as it would be stored
 */
public record Admission(AdmissionResponse mutation, AdmissionResponse validation, Object object) {

  public static Admission run(Engine engine, AdmissionRequest request) {
    Decision mutated = engine.mutate(request, Instant.MAX);
    AdmissionRequest validated = request;
    if (mutated.response().patch() != null) { // in dry-run mode nothing is patched
      Map<String, Object> raw = new LinkedHashMap<>(request.raw());
      raw.put("object", mutated.mutated());
      validated = new AdmissionRequest(raw);
    }
    if (!mutated.response().allowed()) {
      return new Admission(mutated.response(), mutated.response(), request.object());
    }
    return new Admission(mutated.response(), engine.validate(validated, Instant.MAX).response(), validated.object());
  }

  /** allow, deny or warn: the outcome a user sees. */
  public String verdict() {
    if (!validation.allowed()) {
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
