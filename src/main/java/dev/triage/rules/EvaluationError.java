package dev.triage.rules;

/** An expression that raised an error, ran out of budget or of time. */
final class EvaluationError extends Exception {
  EvaluationError(String message) {
    super(message, null, false, false);
  }
}
