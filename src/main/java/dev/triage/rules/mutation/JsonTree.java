package dev.triage.rules.mutation;

import com.google.common.primitives.UnsignedLong;
import dev.cel.common.values.NullValue;
import dev.triage.admission.JsonObject;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Plain JSON trees (maps, lists, strings, longs, doubles, booleans, {@link NullValue}) as
 * mutations edit them: deep copies, conversion of CEL results, and RFC 6901 pointers.
 */
public final class JsonTree {
  private JsonTree() {}

  /** A deep, mutable copy. */
  public static Object copy(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new JsonObject(map.size());
      map.forEach((k, v) -> out.put(String.valueOf(k), copy(v)));
      return out;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      list.forEach(v -> out.add(copy(v)));
      return out;
    }
    return value;
  }

  /**
   * Converts a CEL result into a mutable JSON tree.
   *
   * @throws IllegalArgumentException for values JSON cannot hold
   */
  public static Object fromCel(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new JsonObject(map.size());
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getKey() instanceof String key)) {
          throw new IllegalArgumentException("object keys must be strings, got " + e.getKey());
        }
        if (e.getValue() instanceof Optional<?> optional) {
          optional.ifPresent(v -> out.put(key, fromCel(v)));
        } else {
          out.put(key, fromCel(e.getValue()));
        }
      }
      return out;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      for (Object item : list) {
        if (item instanceof Optional<?> optional) {
          optional.ifPresent(v -> out.add(fromCel(v)));
        } else {
          out.add(fromCel(item));
        }
      }
      return out;
    }
    if (value == null || value instanceof NullValue) {
      return NullValue.NULL_VALUE;
    }
    if (value instanceof String || value instanceof Long || value instanceof Double || value instanceof Boolean) {
      return value;
    }
    if (value instanceof Integer i) {
      return i.longValue();
    }
    if (value instanceof Float f) {
      return f.doubleValue();
    }
    if (value instanceof UnsignedLong u) {
      return u.longValue();
    }
    if (value instanceof dev.cel.common.values.CelByteString bytes) {
      return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }
    if (value instanceof dev.triage.cel.Quantity quantity) {
      return quantity.toString();
    }
    throw new IllegalArgumentException("a " + value.getClass().getSimpleName() + " cannot be written into an object");
  }

  /** Splits an RFC 6901 pointer ("/a/b~1c") into unescaped tokens. */
  public static List<String> tokens(String pointer) {
    if (pointer.isEmpty()) {
      return List.of();
    }
    if (!pointer.startsWith("/")) {
      throw new IllegalArgumentException("path \"" + pointer + "\" must start with /");
    }
    List<String> out = new ArrayList<>();
    for (String token : pointer.substring(1).split("/", -1)) {
      out.add(token.replace("~1", "/").replace("~0", "~"));
    }
    return out;
  }

  public static String escape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }
}
