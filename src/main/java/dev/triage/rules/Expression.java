package dev.triage.rules;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelEvaluationListener;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelVariableResolver;

/** One compiled CEL expression and the text it came from (for messages). */
public record Expression(String text, CelRuntime.Program program) {
  /**
   * Most expression nodes one evaluation may visit: Kubernetes' per-expression cost limit in
   * spirit. A 300×300 nested comprehension visits about 720,000.
   */
  public static final long MAX_NODES = 5_000_000;

  /**
   * Evaluates with a budget: evaluation stops with an error once it has visited
   * {@link #MAX_NODES} nodes or {@code deadlineNanos} (a {@link System#nanoTime()} value) passes.
   */
  public Object eval(CelVariableResolver variables, long deadlineNanos) throws CelEvaluationException {
    return program.trace(variables, new Budget(deadlineNanos));
  }

  private static final class Budget implements CelEvaluationListener {
    private final long deadlineNanos;
    private long nodes;

    Budget(long deadlineNanos) {
      this.deadlineNanos = deadlineNanos;
    }

    @Override
    public void callback(dev.cel.common.ast.CelExpr expr, Object result) {
      if (++nodes > MAX_NODES) {
        throw new BudgetExceeded("evaluation exceeded its budget of " + MAX_NODES + " steps");
      }
      if ((nodes & 0xFF) == 0 && System.nanoTime() - deadlineNanos > 0) {
        throw new BudgetExceeded("evaluation stopped: the review's deadline passed");
      }
    }
  }

  /**
   * Thrown out of an evaluation that ran out of steps or time. An Error, not an exception: CEL
   * turns exceptions inside {@code all}, {@code exists}, {@code &&} and {@code ||} into error
   * values and keeps iterating (each iteration then paying for its range before failing again),
   * so only an Error actually ends a runaway evaluation.
   */
  static final class BudgetExceeded extends Error {
    BudgetExceeded(String message) {
      super(message, null, false, false);
    }
  }
}
