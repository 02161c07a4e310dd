package dev.triage.cel;

/**
 * Thrown out of an evaluation that ran out of steps or time. An Error, not an exception: CEL
 * absorbs errors inside {@code all}, {@code exists}, {@code &&} and {@code ||} and keeps
 * iterating, so only an Error ends a runaway evaluation.
 */
public final class BudgetExceeded extends Error {
  public BudgetExceeded(String message) {
    super(message, null, false, false);
  }
}
