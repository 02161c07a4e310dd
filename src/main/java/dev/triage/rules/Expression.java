package dev.triage.rules;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelEvaluationListener;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelVariableResolver;
import dev.triage.cel.BudgetExceeded;
import dev.triage.cel.CompiledExpression;

/**
 * One checked CEL expression and the text it came from (for messages). It runs on Triage's
 * compiled runtime, whose budget is built into the program; an expression the compiler does not
 * support ({@code compiled} null, {@code fallbackReason} saying why) runs on dev.cel's
 * interpreter with a listener that counts its steps and watches the deadline. Both runtimes
 * evaluate the same checked expression; the interpreter is also the oracle the compiled runtime
 * is tested against.
 */
public record Expression(String text, CompiledExpression compiled, CelRuntime.Program interpreted,
    String fallbackReason, RuntimeComparison comparison) {
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
    if (compiled == null) {
      return interpret(variables, deadlineNanos);
    }
    if (comparison == null) {
      return compiled.eval(variables, deadlineNanos);
    }
    return compare(variables, deadlineNanos);
  }

  /** Evaluates on both runtimes, tells {@link #comparison} how they compare, and answers as the compiled one did. */
  private Object compare(CelVariableResolver variables, long deadlineNanos) throws CelEvaluationException {
    Object compiledResult;
    CelEvaluationException compiledError = null;
    try {
      compiledResult = compiled.eval(variables, deadlineNanos);
    } catch (CelEvaluationException e) {
      compiledResult = compiledError = e;
    }
    Object interpretedResult;
    try {
      interpretedResult = interpret(variables, deadlineNanos);
    } catch (CelEvaluationException e) {
      interpretedResult = e;
    }
    comparison.compared(text, compiledResult, interpretedResult);
    if (compiledError != null) {
      throw compiledError;
    }
    return compiledResult;
  }

  /** Evaluates on dev.cel's interpreter, whichever runtime serves this expression. */
  Object interpret(CelVariableResolver variables, long deadlineNanos) throws CelEvaluationException {
    return interpreted.trace(variables, new Budget(deadlineNanos));
  }

  public boolean isCompiled() {
    return compiled != null;
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
}
