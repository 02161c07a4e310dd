package dev.triage.cel;

import java.util.Map;
import java.util.Optional;

/** Nodes of optionals and presence: {@code or} and {@code orValue} (the alternative only when needed), null-safe {@code has}. */
final class Optionals {
  private Optionals() {}

  /**
   * {@code a.or(b)}: {@code a} if it has a value, else {@code b}; and {@code a.orValue(b)}
   * ({@code unwrap}): the value of {@code a}, else {@code b}.
   */
  record Or(Node optional, Node alternative, boolean unwrap, long id) implements Node {
    @Override
    public Object eval(Frame frame) {
      Object value = optional.eval(frame);
      if (!(value instanceof Optional<?> o)) {
        throw CelError.noMatchingOverload(unwrap ? "orValue" : "or", id);
      }
      if (o.isPresent()) {
        return unwrap ? o.get() : o;
      }
      return alternative.eval(frame);
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
      return value instanceof Map<?, ?> map ? Nodes.has(map, field, id) : Boolean.FALSE;
    }
  }
}
