package dev.triage.rules;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.triage.admission.AdmissionResponse;
import dev.triage.admission.ReviewCodec;
import dev.triage.rules.mutation.PatchOp;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The AdmissionResponse for what the rules concluded: denials, warnings in the namespace's mode,
 * exceptions, and the audit annotations that name the policies (never their messages).
 */
final class Responses {
  private Responses() {}

  /**
   * Turns failures into the response the mode calls for.
   *
   * @param wouldChange in dry-run mode, the changes mutation would have made
   */
  static AdmissionResponse render(Mode mode, List<Failure> failures, Map<String, String> annotations,
      List<Change> wouldChange, List<Excepting.Lift> lifts) {
    List<String> denials = new ArrayList<>();
    Warnings warnings = new Warnings();
    List<Failure> audited = new ArrayList<>();
    List<String> letThrough = new ArrayList<>();
    List<String> deniedBy = new ArrayList<>();
    List<String> warnedBy = new ArrayList<>();
    Failure first = null;
    for (Failure failure : failures) {
      var actions = failure.binding().actions();
      if (actions.contains(ValidationAction.DENY)) {
        if (mode == Mode.ENFORCE) {
          denials.add(failure.describe());
          deniedBy.add(failure.policy());
          first = first == null ? failure : first;
        } else {
          warnings.add(mode.prefix() + failure.describe());
          letThrough.add(failure.policy());
        }
      }
      if (actions.contains(ValidationAction.WARN)) {
        warnings.add(failure.describe());
        warnedBy.add(failure.policy());
      }
      if (actions.contains(ValidationAction.AUDIT)) {
        audited.add(failure);
      }
    }
    for (Change change : wouldChange) {
      warnings.add(mode.prefix() + change.policy() + ": would " + change.op().describe());
      letThrough.add(change.policy());
    }
    List<String> exceptedBy = new ArrayList<>();
    for (Excepting.Lift lift : lifts) {
      warnings.add(lift.warning());
      exceptedBy.add(lift.policy() + "=" + lift.exception().name());
    }
    if (!audited.isEmpty()) {
      annotations.put(Engine.VALIDATION_FAILURE_ANNOTATION, auditJson(audited));
    }
    // Policy names only, never messages: a messageExpression may quote the object.
    putNames(annotations, mode.label(), letThrough);
    putNames(annotations, Engine.DENIED_BY_ANNOTATION, deniedBy);
    putNames(annotations, Engine.WARNED_BY_ANNOTATION, warnedBy);
    putNames(annotations, Engine.EXCEPTED_BY_ANNOTATION, exceptedBy);
    if (first == null) {
      return new AdmissionResponse(true, 200, "", "", warnings.list(), ordered(annotations), null);
    }
    return new AdmissionResponse(false, first.code(), first.reason(), String.join("; ", denials),
        warnings.list(), ordered(annotations), null);
  }

  /** The annotations in the order they were added, so the same request always reads the same. */
  private static Map<String, String> ordered(Map<String, String> annotations) {
    return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
  }

  private static void putNames(Map<String, String> annotations, String key, List<String> policies) {
    if (!policies.isEmpty()) {
      annotations.put(key, String.join(",", policies.stream().distinct().toList()));
    }
  }

  /** The value Kubernetes writes for Audit: a JSON list of the failures. */
  private static String auditJson(List<Failure> failures) {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = ReviewCodec.json().createGenerator(out)) {
      json.writeStartArray();
      for (Failure failure : failures) {
        json.writeStartObject();
        json.writeStringField("message", failure.message());
        json.writeStringField("policy", failure.policy());
        json.writeStringField("binding", failure.binding().name());
        json.writeNumberField("expressionIndex", failure.index());
        json.writeArrayFieldStart("validationActions");
        for (ValidationAction action : ValidationAction.values()) {
          if (failure.binding().actions().contains(action)) {
            json.writeString(action.yamlName());
          }
        }
        json.writeEndArray();
        json.writeEndObject();
      }
      json.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** A change a mutating policy would have made, had the namespace not been in dry-run. */
  record Change(String policy, PatchOp op) {}
}
