package dev.triage.cel;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelStandardFunctions;
import dev.cel.runtime.CelStandardFunctions.StandardFunction;
import java.util.List;

/**
 * The standard {@code matches} function ({@code s.matches(re)} and {@code matches(s, re)}) with
 * each pattern compiled once per process instead of once per call, as the standard binding
 * does. Same RE2 semantics, same program-size limit. Replace the standard binding with
 * {@link #STANDARD_FUNCTIONS} and {@link #bindings}.
 */
public final class CachedMatches {
  /** Every standard runtime function except {@code matches}, which {@link #bindings} provides. */
  public static final CelStandardFunctions STANDARD_FUNCTIONS =
      CelStandardFunctions.newBuilder().excludeFunctions(StandardFunction.MATCHES).build();

  private CachedMatches() {}

  /** @param maxProgramSize the largest compiled RE2 program accepted, as {@code CelOptions.maxRegexProgramSize} */
  public static List<CelFunctionBinding> bindings(int maxProgramSize) {
    return List.of(
        CelFunctionBinding.from("matches", String.class, String.class, (s, re) -> matches(s, re, maxProgramSize)),
        CelFunctionBinding.from("matches_string", String.class, String.class,
            (s, re) -> matches(s, re, maxProgramSize)));
  }

  static boolean matches(String input, String regex, int maxProgramSize) throws CelEvaluationException {
    Pattern pattern;
    try {
      pattern = RegexFunctions.PATTERNS.get(regex);
    } catch (PatternSyntaxException e) {
      throw FunctionErrors.invalidArgument("Illegal regex: " + e.getMessage());
    }
    if (maxProgramSize >= 0 && pattern.programSize() > maxProgramSize) {
      throw FunctionErrors.invalidArgument("Regex pattern exceeds allowed program size. Allowed: " + maxProgramSize
          + ", Provided: " + pattern.programSize());
    }
    return pattern.matcher(input).find();
  }
}
