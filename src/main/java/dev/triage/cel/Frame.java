package dev.triage.cel;

import dev.cel.common.CelErrorCode;
import dev.cel.runtime.CelVariableResolver;

/**
 * The state of one evaluation: the variables it reads, a slot for each comprehension variable
 * and each top-level name it has read, and its budget. Comprehensions charge the budget once per
 * iteration, with the size of their loop body as the steps it takes; the deadline is looked at
 * every {@link #DEADLINE_CHECK_INTERVAL} iterations. Expressions without comprehensions are
 * bounded by their size and never look.
 */
final class Frame {
  static final int DEADLINE_CHECK_INTERVAL = 256;

  final CelVariableResolver variables;
  final Object[] slots;
  private final Limits limits;
  private final long deadlineNanos;
  private long iterations;
  private long steps;

  Frame(CelVariableResolver variables, int slots, Limits limits, long deadlineNanos) {
    this.variables = variables;
    this.slots = new Object[slots];
    this.limits = limits;
    this.deadlineNanos = deadlineNanos;
  }

  /** Charges one iteration of a comprehension whose body has {@code bodySize} nodes. */
  void iterate(int bodySize, long exprId) {
    if (++iterations > limits.maxIterations()) {
      throw new CelError(CelErrorCode.ITERATION_BUDGET_EXCEEDED,
          "Iteration budget exceeded: " + limits.maxIterations(), exprId);
    }
    steps += bodySize;
    if (steps > limits.maxSteps()) {
      throw new BudgetExceeded("evaluation exceeded its budget of " + limits.maxSteps() + " steps");
    }
    if (iterations % DEADLINE_CHECK_INTERVAL == 0) {
      checkDeadline();
    }
  }

  void checkDeadline() {
    if (System.nanoTime() - deadlineNanos > 0) {
      throw new BudgetExceeded("evaluation stopped: the review's deadline passed");
    }
  }
}
