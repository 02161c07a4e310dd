package dev.triage.rules;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.triage.admission.AdmissionRequest;
import dev.triage.admission.AdmissionResponse;
import dev.triage.admission.ReviewCodec;
import dev.triage.cluster.ClusterView;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The rule engine: one request in, one decision out. The server, the CLI and the tests all call
 * this; it knows nothing of HTTP or files. Reads the current {@link RuleSnapshot} once per
 * request, so a reload never splits a review.
 */
public final class Engine {
  /** Audit annotation key the apiserver itself uses for failed validations with the Audit action. */
  public static final String VALIDATION_FAILURE_ANNOTATION = "validation.policy.admission.k8s.io/validation_failure";

  private final Supplier<RuleSnapshot> rules;
  private final ClusterView cluster;
  private final Clock clock;

  public Engine(Supplier<RuleSnapshot> rules, ClusterView cluster, Clock clock) {
    this.rules = rules;
    this.cluster = cluster;
    this.clock = clock;
  }

  public Engine(RuleSnapshot rules, ClusterView cluster) {
    this(() -> rules, cluster, Clock.systemUTC());
  }

  public Decision validate(AdmissionRequest request, Instant deadline) {
    RuleSnapshot snapshot = rules.get();
    Map<String, Object> namespaceObject = namespaceObject(request);
    Map<String, String> namespaceLabels = AdmissionRequest.labels(namespaceObject);
    ValidationEvaluator evaluator = new ValidationEvaluator(deadlineNanos(deadline));
    List<Failure> failures = new ArrayList<>();
    List<String> matched = new ArrayList<>();
    Map<String, String> annotations = new LinkedHashMap<>();
    for (RuleSnapshot.Bound<ValidatingPolicy> bound : snapshot.validating()) {
      if (!matches(bound, request, namespaceLabels)) {
        continue;
      }
      matched.add(bound.base().name());
      ParamRef ref = bound.binding().paramRef();
      if (ref == null) {
        evaluator.evaluate(bound, request, null, namespaceObject, failures::add, annotations);
        continue;
      }
      List<Map<String, Object>> params = ParamLookup.find(snapshot.params(), bound.base().paramKind(), ref,
          request.namespace());
      if (params.isEmpty() && ref.denyWhenMissing()) {
        failures.add(new Failure(bound.base().name(), bound.binding(), -1,
            "no params found for binding " + bound.binding().name() + " (parameterNotFoundAction: Deny)",
            "Invalid", 422));
      }
      for (Map<String, Object> param : params) {
        evaluator.evaluate(bound, request, param, namespaceObject, failures::add, annotations);
      }
    }
    return new Decision(respond(failures, annotations), List.copyOf(matched), List.copyOf(failures));
  }

  /** Converts a wall-clock deadline to the monotonic clock evaluation budgets use. */
  private long deadlineNanos(Instant deadline) {
    long remaining;
    try {
      remaining = java.time.Duration.between(clock.instant(), deadline).toNanos();
    } catch (ArithmeticException e) {
      remaining = Long.MAX_VALUE / 2; // effectively no deadline (Instant.MAX)
    }
    return System.nanoTime() + Math.min(remaining, Long.MAX_VALUE / 2);
  }

  /** Mutation arrives with MutatingAdmissionPolicy support; until then every request is admitted unchanged. */
  public Decision mutate(AdmissionRequest request, Instant deadline) {
    return new Decision(AdmissionResponse.allow(), List.of(), List.of());
  }

  private boolean matches(RuleSnapshot.Bound<?> bound, AdmissionRequest request, Map<String, String> namespaceLabels) {
    MatchResources bindingMatch = bound.binding().match();
    return bound.base().match().matches(request, namespaceLabels)
        && (bindingMatch == null || bindingMatch.matches(request, namespaceLabels));
  }

  /** The Namespace the request is in; for a Namespace object, the object itself. */
  private Map<String, Object> namespaceObject(AdmissionRequest request) {
    if ("namespaces".equals(request.resource().resource()) && request.object() instanceof Map<?, ?> object) {
      @SuppressWarnings("unchecked")
      Map<String, Object> namespace = (Map<String, Object>) object;
      return namespace;
    }
    if (request.namespace().isEmpty()) {
      return null;
    }
    Optional<Map<String, Object>> namespace = cluster.namespace(request.namespace());
    return namespace.orElse(null);
  }

  private static AdmissionResponse respond(List<Failure> failures, Map<String, String> annotations) {
    List<String> denials = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    List<Failure> audited = new ArrayList<>();
    Failure first = null;
    for (Failure failure : failures) {
      var actions = failure.binding().actions();
      if (actions.contains(ValidationAction.DENY)) {
        denials.add(failure.describe());
        first = first == null ? failure : first;
      }
      if (actions.contains(ValidationAction.WARN)) {
        warnings.add(failure.describe());
      }
      if (actions.contains(ValidationAction.AUDIT)) {
        audited.add(failure);
      }
    }
    if (!audited.isEmpty()) {
      annotations.put(VALIDATION_FAILURE_ANNOTATION, auditJson(audited));
    }
    if (first == null) {
      return new AdmissionResponse(true, 200, "", "", List.copyOf(warnings), Map.copyOf(annotations), null);
    }
    return new AdmissionResponse(false, first.code(), first.reason(), String.join("; ", denials),
        List.copyOf(warnings), Map.copyOf(annotations), null);
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

  /** Picks the params objects a binding's paramRef names. */
  static final class ParamLookup {
    private ParamLookup() {}

    static List<Map<String, Object>> find(List<Map<String, Object>> all, ParamKind kind, ParamRef ref,
        String requestNamespace) {
      List<Map<String, Object>> found = new ArrayList<>();
      if (kind == null) {
        return found;
      }
      for (Map<String, Object> candidate : all) {
        if (!kind.isKindOf(candidate) || !namespaceFits(candidate, ref, requestNamespace)) {
          continue;
        }
        boolean picked = ref.selector() != null
            ? ref.selector().matches(AdmissionRequest.labels(candidate))
            : ref.name().equals(metadata(candidate, "name"));
        if (picked) {
          found.add(candidate);
        }
      }
      return found;
    }

    private static boolean namespaceFits(Map<String, Object> candidate, ParamRef ref, String requestNamespace) {
      String namespace = metadata(candidate, "namespace");
      if (!ref.namespace().isEmpty()) {
        return ref.namespace().equals(namespace);
      }
      return namespace.isEmpty() || namespace.equals(requestNamespace);
    }

    private static String metadata(Map<String, Object> object, String field) {
      return object.get("metadata") instanceof Map<?, ?> metadata ? AdmissionRequest.string(metadata, field) : "";
    }
  }
}
