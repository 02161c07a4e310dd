package dev.triage.rules;

import dev.triage.yaml.Position;

/**
 * A problem in a rule file, reported as an editor would want it:
 * {@code rules/require-pdb.yaml:14:23: ValidatingAdmissionPolicy require-pdb: spec.validations[0].expression: undeclared reference to 'objekt'}.
 */
public record RuleError(String file, Position position, String rule, String field, String message) {
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder().append(file).append(':').append(position).append(": ");
    if (!rule.isEmpty()) {
      out.append(rule).append(": ");
    }
    if (!field.isEmpty()) {
      out.append(field).append(": ");
    }
    return out.append(message).toString();
  }
}
