package dev.triage.rules;

import java.util.Map;

/**
 * How a namespace is enforced, chosen by its {@code triage.dev/mode} label: {@code enforce}
 * (the default), {@code warn} (mutations applied, denials become warnings) or {@code dry-run}
 * (nothing changed, nothing denied; warnings and audit annotations say what would have been).
 */
public enum Mode {
  ENFORCE("enforce", ""), WARN("warn", "[warn] "), DRY_RUN("dry-run", "[dry-run] ");

  public static final String LABEL = "triage.dev/mode";

  private final String label;
  private final String prefix;

  Mode(String label, String prefix) {
    this.label = label;
    this.prefix = prefix;
  }

  public String label() {
    return label;
  }

  /** What warnings start with in this mode. */
  String prefix() {
    return prefix;
  }

  /** The mode a namespace's labels choose; an unknown value enforces (the safe choice). */
  public static Mode of(Map<String, String> namespaceLabels) {
    String value = namespaceLabels.get(LABEL);
    for (Mode mode : values()) {
      if (mode.label.equals(value)) {
        return mode;
      }
    }
    return ENFORCE;
  }
}
