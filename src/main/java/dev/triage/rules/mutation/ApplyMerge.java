package dev.triage.rules.mutation;

import dev.cel.common.values.NullValue;
import dev.triage.admission.JsonObject;
import java.util.ArrayList;
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

  /**
   * Merges {@code patch} into {@code target} without changing either: the result shares every
   * part the patch leaves as it was, and is {@code target} itself when the patch changes nothing.
   * Only the objects and lists on the way to a change are copied, so a mutation that sets one
   * field of a 100 KB object copies a few small maps, not the object. The patch's own values are
   * taken as they are: it is a tree of the mutation's, made for this merge.
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> merge(Map<String, Object> target, Map<?, ?> patch) {
    Map<String, Object> out = null;
    for (Map.Entry<?, ?> entry : patch.entrySet()) {
      String field = String.valueOf(entry.getKey());
      Object value = entry.getValue();
      Object current = target.get(field);
      Object next;
      if (value == NullValue.NULL_VALUE) {
        if (!target.containsKey(field)) {
          continue;
        }
        out = out != null ? out : new JsonObject(target);
        out.remove(field);
        continue;
      } else if (value instanceof Map<?, ?> map && current instanceof Map<?, ?> existing) {
        next = merge((Map<String, Object>) existing, map);
      } else if (value instanceof List<?> list && current instanceof List<?> existing
          && KEYED_LISTS.containsKey(field)) {
        next = mergeKeyed((List<Object>) existing, list, KEYED_LISTS.get(field));
      } else {
        next = Objects.equals(current, value) && target.containsKey(field) ? current : value;
      }
      if (next != current || !target.containsKey(field)) {
        out = out != null ? out : new JsonObject(target);
        out.put(field, next);
      }
    }
    return out != null ? out : target;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> mergeKeyed(List<Object> target, List<?> patch, List<String> keys) {
    List<Object> out = null;
    for (Object item : patch) {
      if (!(item instanceof Map<?, ?> patchEntry)) {
        throw new IllegalArgumentException("entries of a keyed list must be objects");
      }
      List<Object> entries = out != null ? out : target;
      int match = -1;
      for (int i = 0; i < entries.size(); i++) {
        if (entries.get(i) instanceof Map<?, ?> candidate && sameKey(candidate, patchEntry, keys)) {
          match = i;
          break;
        }
      }
      if (match < 0) {
        out = out != null ? out : new ArrayList<>(target);
        out.add(patchEntry);
      } else {
        Map<String, Object> existing = (Map<String, Object>) entries.get(match);
        Map<String, Object> merged = merge(existing, patchEntry);
        if (merged != existing) {
          out = out != null ? out : new ArrayList<>(target);
          out.set(match, merged);
        }
      }
    }
    return out != null ? out : target;
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
