package dev.triage.rules;

/**
 * Told of every evaluation of an environment made with {@link CelEnvironment#comparing}: the
 * expression ran on the compiled runtime and on dev.cel's interpreter, over the same variables.
 * Each result is the value, or the {@link dev.cel.runtime.CelEvaluationException} it raised. This
 * is how the compiled runtime is proven equal to the interpreter (the differential tests).
 */
public interface RuntimeComparison {
  void compared(String expression, Object compiled, Object interpreted);

  /** An expression the compiled runtime does not support, so dev.cel's interpreter alone evaluates it. */
  default void interpreted(String expression, String reason) {}
}
