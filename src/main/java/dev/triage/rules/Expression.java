package dev.triage.rules;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelVariableResolver;

/** One compiled CEL expression and the text it came from (for messages). */
public record Expression(String text, CelRuntime.Program program) {

  public Object eval(CelVariableResolver variables) throws CelEvaluationException {
    return program.eval(variables);
  }
}
