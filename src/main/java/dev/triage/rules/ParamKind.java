package dev.triage.rules;

import java.util.Map;

/** The apiVersion and kind of the objects a policy takes as {@code params}. */
public record ParamKind(String apiVersion, String kind) {
  public boolean isKindOf(Map<String, Object> object) {
    return apiVersion.equals(object.get("apiVersion")) && kind.equals(object.get("kind"));
  }
}
