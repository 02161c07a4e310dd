package dev.triage.rules;

import dev.cel.common.CelIssue;
import dev.cel.common.CelValidationException;
import dev.triage.cluster.LabelSelector;
import dev.triage.yaml.Position;
import dev.triage.yaml.ScalarPlace;
import dev.triage.yaml.SourceDocument;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the fields of one rule document by JSON pointer, compiling expressions and recording
 * every problem as a {@link RuleError} with file, line and column instead of stopping at the
 * first.
 */
public final class SpecReader {
  private final SourceDocument document;
  private final String rule;
  private final CelEnvironment cel;
  private final List<RuleError> errors;
  private int errorCount;

  /** @param cel null for a document without expressions */
  public SpecReader(SourceDocument document, String rule, CelEnvironment cel, List<RuleError> errors) {
    this.document = document;
    this.rule = rule;
    this.cel = cel;
    this.errors = errors;
  }

  public boolean failed() {
    return errorCount > 0;
  }

  public SourceDocument document() {
    return document;
  }

  public Object get(String pointer) {
    Object current = document.content();
    for (String part : pointer.substring(1).split("/")) {
      if (current instanceof Map<?, ?> map) {
        current = map.get(part.replace("~1", "/").replace("~0", "~"));
      } else if (current instanceof List<?> list && part.chars().allMatch(Character::isDigit)
          && Integer.parseInt(part) < list.size()) {
        current = list.get(Integer.parseInt(part));
      } else {
        return null;
      }
    }
    return dev.triage.admission.JsonValues.isNull(current) ? null : current;
  }

  public String string(String pointer, String fallback) {
    Object value = get(pointer);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof String s)) {
      error(pointer, "must be a string");
      return fallback;
    }
    return s;
  }

  public String requiredString(String pointer) {
    String value = string(pointer, "");
    if (value.isEmpty() && get(pointer) == null) {
      error(pointer, "is required");
    }
    return value;
  }

  /** A list field; entries are addressed as {@code pointer + "/" + index}. */
  public int size(String pointer) {
    Object value = get(pointer);
    if (value == null) {
      return 0;
    }
    if (!(value instanceof List<?> list)) {
      error(pointer, "must be a list");
      return 0;
    }
    return list.size();
  }

  public Set<String> strings(String pointer) {
    Set<String> out = new LinkedHashSet<>();
    for (int i = 0, n = size(pointer); i < n; i++) {
      out.add(string(pointer + "/" + i, ""));
    }
    return Set.copyOf(out);
  }

  public LabelSelector selector(String pointer) {
    try {
      return LabelSelector.parse(get(pointer));
    } catch (IllegalArgumentException e) {
      error(pointer, e.getMessage());
      return LabelSelector.NOTHING;
    }
  }

  /** Compiles the expression at {@code pointer}; null (and an error recorded) when it does not compile. */
  Expression expression(String pointer) {
    return compile(pointer, false);
  }

  /** Like {@link #expression}, with typed object literals ({@code Object{...}}, {@code JSONPatch{...}}) allowed. */
  Expression mutationExpression(String pointer) {
    return compile(pointer, true);
  }

  private Expression compile(String pointer, boolean mutation) {
    String text = string(pointer, null);
    if (text == null) {
      error(pointer, "is required");
      return null;
    }
    try {
      return mutation ? cel.compileMutation(text) : cel.compile(text);
    } catch (CelValidationException e) {
      ScalarPlace place = document.places().get(pointer);
      for (CelIssue issue : e.getErrors()) {
        int line = issue.getSourceLocation().getLine();
        int column = issue.getSourceLocation().getColumn() + 1;
        Position position = place == null || line <= 0 ? document.positionOf(pointer) : place.locate(line, column);
        record(position, pointer, issue.getMessage());
      }
      if (e.getErrors().isEmpty()) {
        error(pointer, e.getMessage());
      }
      return null;
    }
  }

  public void error(String pointer, String message) {
    record(document.positionOf(pointer), pointer, message);
  }

  private void record(Position position, String pointer, String message) {
    errorCount++;
    errors.add(new RuleError(document.file(), position, rule, field(pointer), message));
  }

  /** "/spec/validations/0/expression" → "spec.validations[0].expression". */
  static String field(String pointer) {
    StringBuilder out = new StringBuilder();
    for (String part : pointer.substring(1).split("/")) {
      if (!part.isEmpty() && part.chars().allMatch(Character::isDigit)) {
        out.append('[').append(part).append(']');
      } else {
        out.append(out.length() == 0 ? "" : ".").append(part.replace("~1", "/").replace("~0", "~"));
      }
    }
    return out.toString();
  }

  static List<String> indexes(int n, String pointer) {
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(pointer + "/" + i);
    }
    return out;
  }
}
