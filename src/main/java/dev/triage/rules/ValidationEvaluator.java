package dev.triage.rules;

import dev.triage.admission.AdmissionRequest;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Evaluates one bound validating policy, with one params object, against one request. */
final class ValidationEvaluator {
  private final RequestContext context;
  private final Consumer<String> errors;

  /** @param errors receives the name of each policy an expression of which could not be evaluated */
  ValidationEvaluator(RequestContext context, Consumer<String> errors) {
    this.context = context;
    this.errors = errors;
  }

  /**
   * @param failures receives each failed validation
   * @param annotations receives each audit annotation (key already prefixed with the policy name)
   * @return false when a matchCondition was false and the policy did not apply
   */
  boolean evaluate(RuleSnapshot.Bound<ValidatingPolicy> bound, Object params, Consumer<Failure> failures,
      Map<String, String> annotations) {
    PolicyBase base = bound.base();
    Activation activation = context.activation(context.request().object(), params, base);
    MatchConditions.Verdict match = MatchConditions.evaluate(base, activation, errors);
    if (!match.applies()) {
      if (match.error() != null && base.failClosed()) {
        failures.accept(failure(bound, -1, match.error(), "Invalid", 422));
      }
      return match.error() != null;
    }
    List<Validation> validations = bound.policy().validations();
    for (int i = 0; i < validations.size(); i++) {
      Validation validation = validations.get(i);
      try {
        Object result = activation.eval(validation.expression());
        if (Boolean.TRUE.equals(result)) {
          continue;
        }
        if (!(result instanceof Boolean)) {
          throw new EvaluationError("expression must evaluate to a bool, got " + typeName(result));
        }
        failures.accept(failure(bound, i, message(validation, activation), validation.reason(), validation.code()));
      } catch (EvaluationError e) {
        errors.accept(base.name());
        if (base.failClosed()) {
          failures.accept(failure(bound, i, "validations[" + i + "]: " + e.getMessage(), "Invalid", 422));
        }
      }
    }
    for (AuditAnnotation audit : bound.policy().auditAnnotations()) {
      try {
        if (activation.eval(audit.valueExpression()) instanceof String value && !value.isEmpty()) {
          annotations.put(base.name() + "/" + audit.key(), value);
        }
      } catch (EvaluationError e) {
        // An audit annotation that cannot be computed adds nothing; it never changes the verdict.
      }
    }
    return true;
  }

  private String message(Validation validation, Activation activation) {
    if (validation.messageExpression() != null) {
      try {
        if (activation.eval(validation.messageExpression()) instanceof String text && !text.isBlank()
            && text.indexOf('\n') < 0) {
          return text;
        }
      } catch (EvaluationError e) {
        // Kubernetes falls back to the static message when messageExpression fails.
      }
    }
    if (!validation.message().isEmpty()) {
      return validation.message();
    }
    return "failed expression: " + validation.expression().text().strip();
  }

  private static Failure failure(RuleSnapshot.Bound<ValidatingPolicy> bound, int index, String message,
      String reason, int code) {
    return new Failure(bound.base().name(), bound.binding(), index, message, reason, code);
  }

  private static String typeName(Object value) {
    return value == null ? "null" : value.getClass().getSimpleName();
  }
}
