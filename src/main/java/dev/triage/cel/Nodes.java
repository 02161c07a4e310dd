package dev.triage.cel;

import dev.cel.common.CelErrorCode;
import dev.cel.common.values.NullValue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The node kinds of the compiled runtime that are not function calls. */
final class Nodes {
  private Nodes() {}

  /** A literal, or a subtree folded at compile time. */
  record Constant(Object value) implements Node {
    @Override
    public Object eval(Frame frame) {
      return value;
    }
  }

  /** A comprehension variable (or its accumulator), which may hold an error the loop absorbed. */
  record Slot(int index) implements Node {
    @Override
    public Object eval(Frame frame) {
      Object value = frame.slots[index];
      if (value instanceof CelError error) {
        throw error;
      }
      return value;
    }
  }

  /** A name the caller binds ({@code object}, {@code variables}, …), read once per evaluation. */
  record Global(String name, int slot, long id) implements Node {
    @Override
    public Object eval(Frame frame) {
      Object value = frame.slots[slot];
      if (value == null) {
        Optional<Object> found;
        try {
          found = frame.variables.find(name);
        } catch (RuntimeException e) {
          throw CelError.of(e, id);
        }
        if (found.isEmpty()) {
          throw new CelError(CelErrorCode.ATTRIBUTE_NOT_FOUND, "No value with name \"" + name + "\" found", id);
        }
        value = found.get();
        frame.slots[slot] = value;
      }
      return value;
    }
  }

  /** {@code a.b.c}: a chain of field reads on maps, fused into one node. */
  record Select(Node operand, String[] fields, long[] ids) implements Node {
    @Override
    public Object eval(Frame frame) {
      Object value = operand.eval(frame);
      for (int i = 0; i < fields.length; i++) {
        value = field(value, fields[i], ids[i]);
      }
      return value;
    }

    static Object field(Object value, String field, long id) {
      if (value instanceof Optional<?> optional) {
        // a field of an optional is optional: none when the optional is empty or the field absent
        if (optional.isEmpty()) {
          return optional;
        }
        if (optional.get() instanceof Map<?, ?> map) {
          return Values.find(map, field);
        }
        value = optional.get();
      }
      if (value instanceof Map<?, ?> map) {
        Object found;
        try {
          found = map.get(field);
        } catch (RuntimeException e) {
          throw CelError.of(e, id);
        }
        if (found == null) {
          if (!map.containsKey(field)) {
            throw new CelError(CelErrorCode.ATTRIBUTE_NOT_FOUND, "key '" + field + "' is not present in map.", id);
          }
          return NullValue.NULL_VALUE;
        }
        return found;
      }
      throw new CelError(CelErrorCode.ATTRIBUTE_NOT_FOUND,
          "Error resolving field '" + field + "'. Field selections must be performed on messages or maps.", id);
    }
  }

  /** The presence test of {@code has(a.f)}. */
  record Has(Node operand, String field, long id) implements Node {
    @Override
    public Object eval(Frame frame) {
      Object value = operand.eval(frame);
      if (value instanceof Map<?, ?> map) {
        return has(map, field, id);
      }
      throw new CelError(CelErrorCode.ATTRIBUTE_NOT_FOUND,
          "Error resolving field '" + field + "'. Field selections must be performed on messages or maps.", id);
    }
  }

  static boolean has(Map<?, ?> map, String field, long id) {
    try {
      return map.containsKey(field);
    } catch (RuntimeException e) {
      throw CelError.of(e, id); // a map that computes its values (variables) may fail
    }
  }

  /**
   * {@code a.?f}: the field as an optional, none when absent. As in cel-go, an operand that
   * is not a map (null, a string) has no fields: none, not an error.
   */
  record OptionalSelect(Node operand, String field, long id) implements Node {
    @Override
    public Object eval(Frame frame) {
      Object value = operand.eval(frame);
      if (value instanceof Optional<?> optional) {
        if (optional.isEmpty()) {
          return optional;
        }
        value = optional.get();
      }
      if (value instanceof Map<?, ?> map) {
        return Values.find(map, field);
      }
      return Optional.empty();
    }
  }

  /**
   * {@code a && b} ({@code decides} false) and {@code a || b} ({@code decides} true): the deciding
   * value on either side wins over an error on the other; anything but a bool is an error (which
   * the other side may absorb too, as in cel-go).
   */
  record Junction(Node left, Node right, Boolean decides, long id) implements Node {
    @Override
    public Object eval(Frame frame) {
      RuntimeException error;
      try {
        Object l = left.eval(frame);
        if (decides.equals(l)) {
          return l;
        }
        error = l instanceof Boolean ? null : notBool(l, id);
      } catch (RuntimeException e) {
        error = e;
      }
      Object r;
      try {
        r = right.eval(frame);
      } catch (RuntimeException e) {
        throw error != null ? error : e;
      }
      if (decides.equals(r)) {
        return r;
      }
      if (error != null) {
        throw error;
      }
      if (!(r instanceof Boolean)) {
        throw notBool(r, id);
      }
      return r;
    }
  }

  static CelError notBool(Object value, long id) {
    return new CelError(CelErrorCode.INVALID_ARGUMENT, "expected boolean value, found: " + Types.name(value), id);
  }

  /** {@code c ? a : b}. */
  record Conditional(Node condition, Node then, Node otherwise, long id) implements Node {
    @Override
    public Object eval(Frame frame) {
      Object c = condition.eval(frame);
      if (c == Boolean.TRUE) {
        return then.eval(frame);
      }
      if (c == Boolean.FALSE) {
        return otherwise.eval(frame);
      }
      throw notBool(c, id);
    }
  }

  /** {@code !a}. */
  record Not(Node operand, long id) implements Node {
    @Override
    public Object eval(Frame frame) {
      Object value = operand.eval(frame);
      if (value instanceof Boolean b) {
        return !b;
      }
      throw CelError.noMatchingOverload("!_", id);
    }
  }

  /** The loop condition of {@code all}/{@code exists}: true unless the value is false; an error counts as true. */
  record NotStrictlyFalse(Node operand) implements Node {
    @Override
    public Object eval(Frame frame) {
      try {
        return operand.eval(frame) != Boolean.FALSE;
      } catch (RuntimeException e) {
        return Boolean.TRUE;
      }
    }
  }

  /** A list literal; elements marked optional ({@code [?x]}) are left out when none. */
  record ListLiteral(Node[] elements, boolean[] optional, long id) implements Node {
    @Override
    public Object eval(Frame frame) {
      List<Object> list = new ArrayList<>(elements.length);
      for (int i = 0; i < elements.length; i++) {
        Object value = elements[i].eval(frame);
        if (optional != null && optional[i]) {
          if (!(value instanceof Optional<?> o)) {
            throw new CelError(CelErrorCode.INVALID_ARGUMENT,
                "Cannot initialize optional list element from non-optional value", id);
          }
          if (o.isEmpty()) {
            continue;
          }
          value = o.get();
        }
        list.add(value);
      }
      return list;
    }
  }

  /** A map literal; a repeated key is an error, an optional entry ({@code ?k: v}) left out when none. */
  record MapLiteral(Node[] keys, Node[] values, boolean[] optional, long[] keyIds) implements Node {
    @Override
    public Object eval(Frame frame) {
      Map<Object, Object> map = new LinkedHashMap<>(keys.length * 2);
      for (int i = 0; i < keys.length; i++) {
        Object key = keys[i].eval(frame);
        Object value = values[i].eval(frame);
        if (!(key instanceof String || key instanceof Long || key instanceof Boolean
            || key instanceof com.google.common.primitives.UnsignedLong)) {
          throw new CelError(CelErrorCode.INVALID_ARGUMENT, "Unsupported key type: " + Types.name(key), keyIds[i]);
        }
        if (map.containsKey(key)) {
          throw new CelError(CelErrorCode.DUPLICATE_ATTRIBUTE, "duplicate map key [" + key + "]", keyIds[i]);
        }
        if (optional != null && optional[i]) {
          if (!(value instanceof Optional<?> o)) {
            throw new CelError(CelErrorCode.INVALID_ARGUMENT,
                "Cannot initialize optional entry from non-optional value", keyIds[i]);
          }
          if (o.isEmpty()) {
            continue;
          }
          value = o.get();
        }
        map.put(key, value);
      }
      return map;
    }
  }

  /**
   * A comprehension (what every macro expands to), with its variables in frame slots. The
   * accumulator may hold an error the step produced; the next step, or the result, decides
   * whether it counts. Each iteration is charged to the budget.
   */
  record Comprehension(Node range, int iterSlot, int iter2Slot, int accuSlot, Node init, Node condition,
      Node step, Node result, int bodySize, long id, long rangeId) implements Node {
    @Override
    public Object eval(Frame frame) {
      Object source = range.eval(frame);
      Object[] slots = frame.slots;
      Object accu;
      try {
        accu = init.eval(frame);
      } catch (RuntimeException e) {
        accu = CelError.of(e, id);
      }
      if (source instanceof List<?> list) {
        int n = list.size();
        for (int i = 0; i < n; i++) {
          frame.iterate(bodySize, id);
          if (iter2Slot >= 0) {
            slots[iterSlot] = (long) i;
            slots[iter2Slot] = list.get(i);
          } else {
            slots[iterSlot] = list.get(i);
          }
          slots[accuSlot] = accu;
          if (!proceed(frame)) {
            break;
          }
          accu = step(frame);
        }
      } else if (source instanceof Map<?, ?> map) {
        Collection<? extends Map.Entry<?, ?>> entries = map.entrySet();
        for (Map.Entry<?, ?> entry : entries) {
          frame.iterate(bodySize, id);
          slots[iterSlot] = entry.getKey();
          if (iter2Slot >= 0) {
            slots[iter2Slot] = entry.getValue();
          }
          slots[accuSlot] = accu;
          if (!proceed(frame)) {
            break;
          }
          accu = step(frame);
        }
      } else {
        throw new CelError(CelErrorCode.INVALID_ARGUMENT,
            "expected a list or a map for iteration range but got '" + Types.name(source) + "'", rangeId);
      }
      slots[accuSlot] = accu;
      try {
        return result.eval(frame);
      } finally {
        slots[accuSlot] = null;
        slots[iterSlot] = null;
        if (iter2Slot >= 0) {
          slots[iter2Slot] = null;
        }
      }
    }

    private boolean proceed(Frame frame) {
      Object go = condition.eval(frame);
      if (go instanceof Boolean b) {
        return b;
      }
      throw notBool(go, id);
    }

    private Object step(Frame frame) {
      try {
        return step.eval(frame);
      } catch (RuntimeException e) {
        return CelError.of(e, id);
      }
    }
  }
}
