package dev.triage.cel;

import java.util.ArrayList;
import java.util.List;

/**
 * A regular expression that is only literal alternatives, answered with string searches instead
 * of RE2's automaton: {@code PASSWORD|SECRET|TOKEN} is "contains one of", {@code _(FILE|PATH)$}
 * "ends with one of", {@code ^vault:} "starts with". Understands an optional {@code ^}, literal
 * text with at most one group of literal alternatives in it (or alternatives at the top level),
 * and an optional {@code $}; any other pattern is left to RE2 ({@link #of} answers null). For
 * these patterns RE2's leftmost-first search and a substring search agree on whether there is a
 * match, which is all {@code matches()} asks.
 */
final class LiteralPattern {
  private final String[] alternatives;
  private final boolean start;
  private final boolean end;

  private LiteralPattern(List<String> alternatives, boolean start, boolean end) {
    this.alternatives = alternatives.toArray(String[]::new);
    this.start = start;
    this.end = end;
  }

  /** The literal form of {@code regex}, or null when it is more than literal alternatives. */
  static LiteralPattern of(String regex) {
    String body = regex;
    boolean start = body.startsWith("^");
    if (start) {
      body = body.substring(1);
    }
    boolean end = body.endsWith("$") && !body.endsWith("\\$");
    if (end) {
      body = body.substring(0, body.length() - 1);
    }
    int open = body.indexOf('(');
    List<String> alternatives;
    if (open < 0) {
      alternatives = alternatives(body);
    } else {
      int close = body.lastIndexOf(')');
      if (close < open || body.indexOf('(', open + 1) >= 0 || body.indexOf(')') != close) {
        return null;
      }
      String prefix = literal(body.substring(0, open));
      String suffix = literal(body.substring(close + 1));
      String group = body.substring(open + 1, close);
      if (group.startsWith("?:")) {
        group = group.substring(2);
      }
      List<String> inner = alternatives(group);
      if (prefix == null || suffix == null || inner == null) {
        return null;
      }
      alternatives = new ArrayList<>();
      for (String alternative : inner) {
        alternatives.add(prefix + alternative + suffix);
      }
    }
    return alternatives == null ? null : new LiteralPattern(alternatives, start, end);
  }

  private static List<String> alternatives(String text) {
    List<String> all = new ArrayList<>();
    int from = 0;
    for (int i = 0; i <= text.length(); i++) {
      if (i == text.length() || (text.charAt(i) == '|' && !escaped(text, i))) {
        String literal = literal(text.substring(from, i));
        if (literal == null) {
          return null;
        }
        all.add(literal);
        from = i + 1;
      }
    }
    return all;
  }

  private static boolean escaped(String text, int index) {
    int backslashes = 0;
    for (int i = index - 1; i >= 0 && text.charAt(i) == '\\'; i--) {
      backslashes++;
    }
    return backslashes % 2 == 1;
  }

  /** The text with escapes of punctuation resolved, or null if it holds any other regex syntax. */
  private static String literal(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        if (i + 1 == text.length()) {
          return null;
        }
        char next = text.charAt(++i);
        if (Character.isLetterOrDigit(next) || next > 127) {
          return null; // \d, \s, \pL, \Q…: classes and quoting, not a literal character
        }
        out.append(next);
      } else if (".[]{}()*+?|^$".indexOf(c) >= 0) {
        return null;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  boolean find(String input) {
    for (String alternative : alternatives) {
      boolean found;
      if (start && end) {
        found = input.equals(alternative);
      } else if (start) {
        found = input.startsWith(alternative);
      } else if (end) {
        found = input.endsWith(alternative);
      } else {
        found = input.contains(alternative);
      }
      if (found) {
        return true;
      }
    }
    return false;
  }
}
