package dev.triage.rules;

import dev.triage.admission.AdmissionRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Picks the params objects a binding's paramRef names. */
final class ParamLookup {
  private ParamLookup() {}

  static List<Map<String, Object>> find(List<Map<String, Object>> all, ParamKind kind, ParamRef ref,
      String requestNamespace) {
    List<Map<String, Object>> found = new ArrayList<>();
    if (kind == null) {
      return found;
    }
    for (Map<String, Object> candidate : all) {
      if (!kind.isKindOf(candidate) || !namespaceFits(candidate, ref, requestNamespace)) {
        continue;
      }
      boolean picked = ref.selector() != null
          ? ref.selector().matches(AdmissionRequest.labels(candidate))
          : ref.name().equals(metadata(candidate, "name"));
      if (picked) {
        found.add(candidate);
      }
    }
    return found;
  }

  private static boolean namespaceFits(Map<String, Object> candidate, ParamRef ref, String requestNamespace) {
    String namespace = metadata(candidate, "namespace");
    if (!ref.namespace().isEmpty()) {
      return ref.namespace().equals(namespace);
    }
    return namespace.isEmpty() || namespace.equals(requestNamespace);
  }

  private static String metadata(Map<String, Object> object, String field) {
    return object.get("metadata") instanceof Map<?, ?> metadata ? AdmissionRequest.string(metadata, field) : "";
  }
}
