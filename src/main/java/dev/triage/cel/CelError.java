package dev.triage.cel;

import dev.cel.common.CelErrorCode;
import dev.cel.common.exceptions.CelRuntimeException;
import dev.cel.runtime.CelEvaluationException;

/**
 * An error value of the compiled runtime, thrown rather than returned. CEL's absorbing operators
 * ({@code &&}, {@code ||}, the macros built on them) catch it; everything else lets it pass. It
 * carries no stack trace: errors are ordinary control flow in CEL, and a review must not pay for
 * filling one in.
 *
 * <p>{@code exprId} is the node where the error arose, for the message's position, as dev.cel
 * reports it; {@code original} is an exception a library function raised, passed on unchanged.
 */
final class CelError extends RuntimeException {
  final CelErrorCode code;
  final long exprId;
  final CelEvaluationException original;

  CelError(CelErrorCode code, String message, long exprId) {
    super(message, null, false, false);
    this.code = code;
    this.exprId = exprId;
    this.original = null;
  }

  private CelError(CelEvaluationException original) {
    super(original.getMessage(), null, false, false);
    this.code = original.getErrorCode();
    this.exprId = 0;
    this.original = original;
  }

  /** An exception out of foreign code (a library function, a map that computes values) at {@code exprId}. */
  static CelError of(Throwable error, long exprId) {
    if (error instanceof CelError known) {
      return known.exprId != 0 || known.original != null ? known
          : new CelError(known.code, known.getMessage(), exprId);
    }
    if (error instanceof CelEvaluationException evaluation) {
      return new CelError(evaluation);
    }
    if (error instanceof CelRuntimeException runtime) {
      return new CelError(runtime.getErrorCode(), runtime.getMessage(), exprId);
    }
    return new CelError(CelErrorCode.INTERNAL_ERROR, String.valueOf(error.getMessage()), exprId);
  }

  /** An error of a native function, positioned by the call that made it. */
  static CelError of(CelErrorCode code, String message) {
    return new CelError(code, message, 0);
  }

  static CelError noMatchingOverload(String function, long exprId) {
    return new CelError(CelErrorCode.OVERLOAD_NOT_FOUND, "No matching overload for function '" + function + "'.",
        exprId);
  }
}
