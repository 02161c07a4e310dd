package dev.triage.rules;

/**
 * One {@code validations} entry.
 *
 * @param messageExpression null when absent
 * @param reason Kubernetes status reason: Invalid (default), Forbidden, Unauthorized, RequestEntityTooLarge
 */
public record Validation(Expression expression, String message, Expression messageExpression, String reason) {

  /** The HTTP status code Kubernetes pairs with the reason. */
  public int code() {
    return switch (reason) {
      case "Forbidden" -> 403;
      case "Unauthorized" -> 401;
      case "RequestEntityTooLarge" -> 413;
      default -> 422;
    };
  }
}
