package dev.triage.cel;

/** Thrown when a string is not a valid Kubernetes quantity; the reason uses Kubernetes' wording. */
public final class QuantityFormatException extends IllegalArgumentException {

  private final String reason;

  QuantityFormatException(String input, String reason) {
    super("invalid quantity \"" + input + "\": " + reason);
    this.reason = reason;
  }

  /** The Kubernetes error text, without the offending input. */
  public String reason() {
    return reason;
  }
}
