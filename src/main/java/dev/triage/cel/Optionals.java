package dev.triage.cel;

import java.util.Map;
import java.util.Optional;

/** Nodes whose right-hand side is evaluated only when needed: {@code or}, {@code orValue}, null-safe {@code has}. */
final class Optionals {
  private Optionals() {}

  /** {@code a.or(b)}: {@code a} if it has a value, else {@code b}. */
  record Or(Node optional, Node alternative, long id) implements Node {
    @Override
    public Object eval(Frame frame) {
      Object value = optional.eval(frame);
      if (!(value instanceof Optional<?> o)) {
        throw CelError.noMatchingOverload("or", id);
      }
      return o.isPresent() ? o : alternative.eval(frame);
    }
  }

  /** {@code a.orValue(b)}: the value of {@code a}, else {@code b}. */
  record OrValue(Node optional, Node alternative, long id) implements Node {
    @Override
    public Object eval(Frame frame) {
      Object value = optional.eval(frame);
      if (!(value instanceof Optional<?> o)) {
        throw CelError.noMatchingOverload("orValue", id);
      }
      return o.isPresent() ? o.get() : alternative.eval(frame);
    }
  }

  /**
   * {@code has(a.f)} as Kubernetes answers it: false, not an error, when {@code a} is not a map
   * (JSON null, a string). The operand is read once.
   */
  record NullSafeHas(Node operand, String field, long id) implements Node {
    @Override
    public Object eval(Frame frame) {
      Object value = operand.eval(frame);
      if (value instanceof Map<?, ?> map) {
        try {
          return map.containsKey(field);
        } catch (RuntimeException e) {
          throw CelError.of(e, id);
        }
      }
      return Boolean.FALSE;
    }
  }
}
