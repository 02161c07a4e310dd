package dev.triage.rules;

import dev.cel.common.CelErrorCode;
import dev.cel.runtime.CelEvaluationException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An expression that raised an error, ran out of budget or of time. Its message can reach the
 * caller (a denial under failurePolicy: Fail), so it never carries values from the request: CEL
 * and Java quote the offending input ({@code For input string: "s3cret"}, {@code duplicate map
 * key [s3cret]}), which {@link #describe} replaces with "…" unless the rule's own text holds it.
 */
final class EvaluationError extends Exception {
  /** CEL's own prefix, kept: it says where in the expression the error arose. */
  private static final Pattern PREFIX = Pattern.compile("^(evaluation error(?: at <input>:\\d+)?: )(.*)$");
  /** CEL's type names, which its messages quote: never data. */
  private static final java.util.Set<String> TYPES = java.util.Set.of("bool", "bytes", "double", "duration", "int",
      "list", "map", "null_type", "string", "timestamp", "type", "uint", "dyn");
  private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"|'([^']*)'|`([^`]*)`|\\[([^\\]]*)\\]");

  EvaluationError(String message) {
    super(message, null, false, false);
  }

  /** An error raised while evaluating {@code source}, described without the values it was evaluating. */
  static EvaluationError of(Throwable error, String source) {
    return new EvaluationError(describe(error, source));
  }

  /**
   * The first line of the error's message with every quoted or bracketed part that the rule's
   * {@code source} does not contain replaced by "…", and a missing key (which CEL reports bare)
   * named only when the source names it.
   */
  static String describe(Throwable error, String source) {
    if (error instanceof Activation.VariableException) {
      return error.getMessage(); // described when the variable failed, against its own expression
    }
    String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
    int newline = message.indexOf('\n');
    message = newline < 0 ? message : message.substring(0, newline);
    String prefix = "";
    String detail = message;
    Matcher parts = PREFIX.matcher(message);
    if (parts.matches()) {
      prefix = parts.group(1);
      detail = parts.group(2);
    }
    if (error instanceof CelEvaluationException cel && cel.getErrorCode() == CelErrorCode.ATTRIBUTE_NOT_FOUND
        && detail.indexOf(' ') < 0) {
      return prefix + (source.contains(detail) ? "no such key: " + detail : "no such key");
    }
    Matcher quoted = QUOTED.matcher(detail);
    StringBuilder out = new StringBuilder();
    while (quoted.find()) {
      String inner = firstNonNull(quoted.group(1), quoted.group(2), quoted.group(3), quoted.group(4));
      String whole = quoted.group();
      String kept = inner.isEmpty() || TYPES.contains(inner) || source.contains(inner) ? whole
          : whole.charAt(0) + "…" + whole.charAt(whole.length() - 1);
      quoted.appendReplacement(out, Matcher.quoteReplacement(kept));
    }
    quoted.appendTail(out);
    return prefix + out;
  }

  private static String firstNonNull(String... values) {
    for (String value : values) {
      if (value != null) {
        return value;
      }
    }
    return "";
  }
}
