package dev.triage.rules;

/** What a binding does with a failed validation. */
public enum ValidationAction {
  DENY("Deny"), WARN("Warn"), AUDIT("Audit");

  private final String yamlName;

  ValidationAction(String yamlName) {
    this.yamlName = yamlName;
  }

  public String yamlName() {
    return yamlName;
  }

  public static ValidationAction parse(String value) {
    for (ValidationAction action : values()) {
      if (action.yamlName.equals(value)) {
        return action;
      }
    }
    throw new IllegalArgumentException("unknown validation action \"" + value + "\": use Deny, Warn or Audit");
  }
}
