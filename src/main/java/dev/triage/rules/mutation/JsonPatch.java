package dev.triage.rules.mutation;

import dev.triage.admission.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Applies RFC 6902 operations (add, remove, replace, move, copy, test) to a JSON tree without
 * changing it: each operation copies the objects and lists on its path and shares the rest.
 */
public final class JsonPatch {
  private JsonPatch() {}

  /**
   * Applies {@code ops} in order and returns the new root (a root "replace" swaps it).
   *
   * @throws IllegalArgumentException naming the operation that could not apply and why
   */
  public static Object apply(Object root, List<PatchOp> ops) {
    for (PatchOp op : ops) {
      try {
        root = applyOne(root, op);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("JSONPatch " + op.op() + " \"" + op.path() + "\": " + e.getMessage(), e);
      }
    }
    return root;
  }

  /** Reads a list of {@code JSONPatch{op, path, value, from}} maps produced by an expression. */
  public static List<PatchOp> ops(Object celResult) {
    if (!(JsonTree.fromCel(celResult) instanceof List<?> list)) {
      throw new IllegalArgumentException("a JSONPatch mutation must yield a list of JSONPatch{op, path, value}");
    }
    return list.stream().map(item -> {
      if (!(item instanceof Map<?, ?> map) || !(map.get("op") instanceof String op)
          || !(map.get("path") instanceof String path)) {
        throw new IllegalArgumentException("each JSONPatch needs string fields op and path");
      }
      if (map.containsKey("from") && !(map.get("from") instanceof String)) {
        throw new IllegalArgumentException("JSONPatch " + op + " " + path + ": from must be a string");
      }
      if ((op.equals("move") || op.equals("copy")) && !map.containsKey("from")) {
        throw new IllegalArgumentException("JSONPatch " + op + " " + path + " needs a from");
      }
      Object value = map.containsKey("from") ? new Move((String) map.get("from")) : map.get("value");
      if (!List.of("add", "remove", "replace", "move", "copy", "test").contains(op)) {
        throw new IllegalArgumentException("unknown JSONPatch op \"" + op + "\"");
      }
      if (List.of("add", "replace", "test").contains(op) && !map.containsKey("value")) {
        throw new IllegalArgumentException("JSONPatch " + op + " " + path + " needs a value");
      }
      return new PatchOp(op, path, value);
    }).toList();
  }

  /** The {@code from} of a move or copy, carried in the value slot. */
  record Move(String from) {}

  private static Object applyOne(Object root, PatchOp op) {
    List<String> tokens = JsonTree.tokens(op.path());
    return switch (op.op()) {
      case "add" -> add(root, tokens, JsonTree.copy(op.value()));
      case "remove" -> remove(root, tokens);
      case "replace" -> {
        if (tokens.isEmpty()) {
          yield JsonTree.copy(op.value());
        }
        get(root, tokens);
        yield add(remove(root, tokens), tokens, JsonTree.copy(op.value()));
      }
      case "move", "copy" -> {
        List<String> from = JsonTree.tokens(((Move) op.value()).from());
        Object value = get(root, from);
        yield add(op.op().equals("move") ? remove(root, from) : root, tokens, value);
      }
      case "test" -> {
        if (!Objects.equals(get(root, tokens), op.value())) {
          throw new IllegalArgumentException("test failed: the value differs");
        }
        yield root;
      }
      default -> throw new IllegalArgumentException("unknown op");
    };
  }

  static Object get(Object root, List<String> tokens) {
    Object current = root;
    for (String token : tokens) {
      current = child(current, token);
    }
    return current;
  }

  private static Object child(Object container, String token) {
    if (container instanceof Map<?, ?> map) {
      if (!map.containsKey(token)) {
        throw new IllegalArgumentException("no field \"" + token + "\"");
      }
      return map.get(token);
    }
    if (container instanceof List<?> list) {
      int index = index(token, list.size() - 1);
      return list.get(index);
    }
    throw new IllegalArgumentException("\"" + token + "\" is below a value that is not an object or list");
  }

  /** An edit of the container that holds the last token. */
  private interface Edit {
    void apply(Object container, String last);
  }

  /** {@code root} with {@code edit} made to a copy of the container at the end of {@code tokens}'s parent path. */
  private static Object edit(Object root, List<String> tokens, int depth, Edit edit) {
    Object copy = shallowCopy(root, tokens.get(depth));
    if (depth == tokens.size() - 1) {
      edit.apply(copy, tokens.get(depth));
    } else {
      String token = tokens.get(depth);
      set(copy, token, edit(child(root, token), tokens, depth + 1, edit));
    }
    return copy;
  }

  private static Object shallowCopy(Object container, String token) {
    if (container instanceof Map<?, ?> map) {
      @SuppressWarnings("unchecked")
      Map<String, Object> fields = (Map<String, Object>) map;
      return new JsonObject(fields);
    }
    if (container instanceof List<?> list) {
      return new ArrayList<Object>(list);
    }
    throw new IllegalArgumentException("the parent of \"" + token + "\" is not an object or list");
  }

  @SuppressWarnings("unchecked")
  private static void set(Object container, String token, Object value) {
    if (container instanceof Map<?, ?> map) {
      ((Map<String, Object>) map).put(token, value);
    } else {
      List<Object> list = (List<Object>) container;
      list.set(index(token, list.size() - 1), value);
    }
  }

  @SuppressWarnings("unchecked")
  private static Object add(Object root, List<String> tokens, Object value) {
    if (tokens.isEmpty()) {
      return value;
    }
    return edit(root, tokens, 0, (parent, last) -> {
      if (parent instanceof Map<?, ?> map) {
        ((Map<String, Object>) map).put(last, value);
      } else {
        List<Object> list = (List<Object>) parent;
        list.add(last.equals("-") ? list.size() : index(last, list.size()), value);
      }
    });
  }

  private static Object remove(Object root, List<String> tokens) {
    if (tokens.isEmpty()) {
      throw new IllegalArgumentException("cannot remove the whole object");
    }
    return edit(root, tokens, 0, (parent, last) -> {
      if (parent instanceof Map<?, ?> map) {
        if (!map.containsKey(last)) {
          throw new IllegalArgumentException("no field \"" + last + "\" to remove");
        }
        map.remove(last);
      } else {
        List<?> list = (List<?>) parent;
        list.remove(index(last, list.size() - 1));
      }
    });
  }

  private static int index(String token, int max) {
    if (!token.matches("0|[1-9][0-9]{0,8}")) {
      throw new IllegalArgumentException("\"" + token + "\" is not a list index");
    }
    int index = Integer.parseInt(token);
    if (index > max) {
      throw new IllegalArgumentException("index " + index + " is out of range");
    }
    return index;
  }
}
