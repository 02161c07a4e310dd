package dev.triage.cel;

import static dev.cel.common.CelOverloadDecl.newMemberOverload;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import java.util.ArrayList;
import java.util.List;

/**
 * The Kubernetes regex library: {@code <string>.find(regex)} and {@code <string>.findAll(regex[,
 * limit])}, with the match semantics of Go's {@code regexp.FindString} and {@code FindAllString}.
 */
final class RegexFunctions {

  static final PatternCache PATTERNS = new PatternCache(512);

  private RegexFunctions() {}

  static List<CelFunctionDecl> declarations() {
    return List.of(
        CelFunctionDecl.newFunctionDeclaration(
            "find",
            newMemberOverload(
                "string_find_string", SimpleType.STRING, SimpleType.STRING, SimpleType.STRING)),
        CelFunctionDecl.newFunctionDeclaration(
            "findAll",
            newMemberOverload(
                "string_find_all_string",
                ListType.create(SimpleType.STRING),
                SimpleType.STRING,
                SimpleType.STRING),
            newMemberOverload(
                "string_find_all_string_int",
                ListType.create(SimpleType.STRING),
                SimpleType.STRING,
                SimpleType.STRING,
                SimpleType.INT)));
  }

  static List<CelFunctionBinding> bindings() {
    return List.of(
        CelFunctionBinding.from("string_find_string", String.class, String.class, RegexFunctions::find),
        CelFunctionBinding.from(
            "string_find_all_string",
            String.class,
            String.class,
            (s, re) -> findAll(s, re, -1)),
        CelFunctionBinding.from(
            "string_find_all_string_int",
            List.of(String.class, String.class, Long.class),
            args -> findAll((String) args[0], (String) args[1], (Long) args[2])));
  }

  static String find(String input, String regex) throws CelEvaluationException {
    Matcher m = compile(regex).matcher(input);
    return m.find() ? m.group() : "";
  }

  /**
   * All successive non-overlapping matches, at most {@code limit} of them when {@code limit >= 0}.
   * Like Go, an empty match directly after the previous match is skipped; Java's find() loop would
   * report it.
   */
  static List<String> findAll(String input, String regex, long limit) throws CelEvaluationException {
    Pattern pattern = compile(regex);
    List<String> result = new ArrayList<>();
    if (limit == 0) {
      return result;
    }
    Matcher m = pattern.matcher(input);
    int pos = 0;
    int prevMatchEnd = -1;
    int end = input.length();
    while ((limit < 0 || result.size() < limit) && pos <= end) {
      if (!m.find(pos)) {
        break;
      }
      int start = m.start();
      int matchEnd = m.end();
      boolean accept = true;
      if (matchEnd == pos) {
        if (start == prevMatchEnd) {
          accept = false;
        }
        pos = pos < end ? input.offsetByCodePoints(pos, 1) : end + 1;
      } else {
        pos = matchEnd;
      }
      prevMatchEnd = matchEnd;
      if (accept) {
        result.add(input.substring(start, matchEnd));
      }
    }
    return result;
  }

  private static Pattern compile(String regex) throws CelEvaluationException {
    try {
      return PATTERNS.get(regex);
    } catch (PatternSyntaxException e) {
      throw FunctionErrors.invalidArgument("Illegal regex: " + e.getMessage());
    }
  }
}
