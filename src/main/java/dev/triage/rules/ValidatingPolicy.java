package dev.triage.rules;

import java.util.List;

/** A compiled ValidatingAdmissionPolicy. */
public record ValidatingPolicy(PolicyBase base, List<Validation> validations,
    List<AuditAnnotation> auditAnnotations) {

  public String name() {
    return base.name();
  }
}
