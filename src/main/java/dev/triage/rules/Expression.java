package dev.triage.rules;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelEvaluationListener;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelVariableResolver;

/**
 * One compiled CEL expression and the text it came from (for messages), planned twice.
 *
 * <p>{@code guarded} runs with a budget: a listener on every node counts steps and watches the
 * review's deadline. That listener costs about 40% of an evaluation, so an expression is first
 * tried {@code fast}: no listener, and at most {@link CelEnvironment#FAST_ITERATIONS}
 * comprehension iterations in the whole evaluation (nested ones count too), which bounds the
 * try to that many times the expression's size. An expression that needs more, or fails, is
 * evaluated again guarded, whose result and error message are the ones that count. Both
 * evaluate the same checked expression, and CEL's only error-absorbing operators ({@code &&},
 * {@code ||} and the macros built on them) absorb an error only where the other operand decides
 * the result alone, so a value the fast try returns is the value the guarded one would.
 * {@code fast} is null for expressions too large for an unguarded try.
 */
public record Expression(String text, CelRuntime.Program fast, CelRuntime.Program guarded) {
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
    if (fast != null) {
      try {
        return fast.eval(variables);
      } catch (CelEvaluationException | RuntimeException e) {
        // out of iterations, or an error: the guarded evaluation decides and words it
      }
    }
    return guarded.trace(variables, new Budget(deadlineNanos));
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
