package dev.triage.cel;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelEvaluationExceptionBuilder;
import dev.cel.runtime.CelVariableResolver;
import dev.cel.runtime.Metadata;

/**
 * An expression compiled to {@link Node}s. Thread-safe: each evaluation has its own
 * {@link Frame}. Errors come out as dev.cel's {@link CelEvaluationException}, worded and
 * positioned as dev.cel words them, so messages read the same whichever runtime evaluated.
 */
public final class CompiledExpression {
  private final Node root;
  private final int slots;
  private final Limits limits;
  private final Metadata metadata;

  CompiledExpression(Node root, int slots, Limits limits, Metadata metadata) {
    this.root = root;
    this.slots = slots;
    this.limits = limits;
    this.metadata = metadata;
  }

  /**
   * Evaluates over {@code variables}.
   *
   * @param deadlineNanos a {@link System#nanoTime()} after which the evaluation stops
   * @throws BudgetExceeded when the evaluation ran out of steps or time
   */
  public Object eval(CelVariableResolver variables, long deadlineNanos) throws CelEvaluationException {
    try {
      return root.eval(new Frame(variables, slots, limits, deadlineNanos));
    } catch (CelError e) {
      if (e.original != null) {
        throw e.original;
      }
      throw CelEvaluationExceptionBuilder.newBuilder(e.getMessage()).setErrorCode(e.code)
          .setMetadata(metadata, e.exprId).build();
    } catch (RuntimeException e) {
      throw CelEvaluationExceptionBuilder.newBuilder(String.valueOf(e.getMessage())).setCause(e).build();
    }
  }
}
