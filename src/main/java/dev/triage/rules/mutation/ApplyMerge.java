package dev.triage.rules.mutation;

import dev.cel.common.values.NullValue;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Merges an apply configuration into an object with server-side-apply semantics: objects
 * merge field by field, lists that Kubernetes keys (containers by name, ports by
 * containerPort and protocol, ...) merge entry by entry, every other list and every scalar is
 * replaced, and a null removes the field.
 */
public final class ApplyMerge {
  /** List fields Kubernetes merges by key, and the key fields of their entries. */
  private static final Map<String, List<String>> KEYED_LISTS = Map.ofEntries(
      Map.entry("containers", List.of("name")),
      Map.entry("initContainers", List.of("name")),
      Map.entry("ephemeralContainers", List.of("name")),
      Map.entry("volumes", List.of("name")),
      Map.entry("env", List.of("name")),
      Map.entry("imagePullSecrets", List.of("name")),
      Map.entry("resourceClaims", List.of("name")),
      Map.entry("volumeMounts", List.of("mountPath")),
      Map.entry("volumeDevices", List.of("devicePath")),
      Map.entry("ports", List.of("containerPort", "protocol")),
      Map.entry("hostAliases", List.of("ip")),
      Map.entry("topologySpreadConstraints", List.of("topologyKey", "whenUnsatisfiable")));

  private ApplyMerge() {}

  /** Merges {@code patch} into {@code target} in place; returns the target. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> merge(Map<String, Object> target, Map<?, ?> patch) {
    for (Map.Entry<?, ?> entry : patch.entrySet()) {
      String field = String.valueOf(entry.getKey());
      Object value = entry.getValue();
      Object current = target.get(field);
      if (value == NullValue.NULL_VALUE) {
        target.remove(field);
      } else if (value instanceof Map<?, ?> map && current instanceof Map<?, ?> existing) {
        merge((Map<String, Object>) existing, map);
      } else if (value instanceof List<?> list && current instanceof List<?> existing
          && KEYED_LISTS.containsKey(field)) {
        mergeKeyed((List<Object>) existing, list, KEYED_LISTS.get(field));
      } else {
        target.put(field, JsonTree.copy(value));
      }
    }
    return target;
  }

  @SuppressWarnings("unchecked")
  private static void mergeKeyed(List<Object> target, List<?> patch, List<String> keys) {
    for (Object item : patch) {
      if (!(item instanceof Map<?, ?> patchEntry)) {
        throw new IllegalArgumentException("entries of a keyed list must be objects");
      }
      Map<String, Object> match = null;
      for (Object existing : target) {
        if (existing instanceof Map<?, ?> candidate && sameKey(candidate, patchEntry, keys)) {
          match = (Map<String, Object>) candidate;
          break;
        }
      }
      if (match == null) {
        target.add(JsonTree.copy(patchEntry));
      } else {
        merge(match, patchEntry);
      }
    }
  }

  private static boolean sameKey(Map<?, ?> a, Map<?, ?> b, List<String> keys) {
    for (String key : keys) {
      Object left = a.get(key);
      Object right = b.get(key);
      if (key.equals("protocol")) { // Kubernetes defaults a port's protocol to TCP
        left = left == null ? "TCP" : left;
        right = right == null ? "TCP" : right;
      }
      if (!Objects.equals(left, right)) {
        return false;
      }
    }
    return true;
  }
}
