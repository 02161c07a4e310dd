package dev.triage.cel;

import dev.cel.common.CelErrorCode;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelEvaluationExceptionBuilder;

/** Builds the evaluation errors the library's functions raise. */
final class FunctionErrors {

  private FunctionErrors() {}

  /** An error for an argument the function cannot work with, e.g. an unparsable string. */
  static CelEvaluationException invalidArgument(String message) {
    // The builder formats its message, so user-supplied text is passed as an argument.
    return CelEvaluationExceptionBuilder.newBuilder("%s", message)
        .setErrorCode(CelErrorCode.INVALID_ARGUMENT)
        .build();
  }

  /** An error for a receiver or argument of a type no overload accepts. */
  static CelEvaluationException noSuchOverload(String function, Object value) {
    String type = value == null ? "null" : value.getClass().getSimpleName();
    return CelEvaluationExceptionBuilder.newBuilder(
            "no such overload: %s applied to %s", function, type)
        .setErrorCode(CelErrorCode.OVERLOAD_NOT_FOUND)
        .build();
  }
}
