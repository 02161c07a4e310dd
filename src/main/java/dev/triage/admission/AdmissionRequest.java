package dev.triage.admission;

import java.util.List;
import java.util.Map;

/**
 * The {@code request} of an AdmissionReview, kept as the parsed map (which CEL reads as
 * {@code request}) with typed access to the fields the engine matches on.
 */
public record AdmissionRequest(Map<String, Object> raw) {

  public String uid() {
    return string(raw, "uid");
  }

  public String operation() {
    return string(raw, "operation");
  }

  public String namespace() {
    return string(raw, "namespace");
  }

  public String name() {
    return string(raw, "name");
  }

  public String subResource() {
    return string(raw, "subResource");
  }

  public GroupVersionResource resource() {
    return GroupVersionResource.of(raw.get("resource"));
  }

  /** The resource as the user sent it; the apiserver may have converted it to {@link #resource()}. */
  public GroupVersionResource requestResource() {
    Object requested = raw.get("requestResource");
    return requested == null ? resource() : GroupVersionResource.of(requested);
  }

  public String kind() {
    return raw.get("kind") instanceof Map<?, ?> kind ? string(kind, "kind") : "";
  }

  public Object object() {
    return raw.get("object");
  }

  public Object oldObject() {
    return raw.get("oldObject");
  }

  /** The object being admitted, or for DELETE the one being removed. */
  public Map<?, ?> subject() {
    if (object() instanceof Map<?, ?> map) {
      return map;
    }
    return oldObject() instanceof Map<?, ?> old ? old : Map.of();
  }

  public boolean dryRun() {
    return Boolean.TRUE.equals(raw.get("dryRun"));
  }

  public String userName() {
    return raw.get("userInfo") instanceof Map<?, ?> user ? string(user, "username") : "";
  }

  /** The same request with {@code object} in place of its object: what validation sees after mutation. */
  public AdmissionRequest withObject(Object object) {
    Map<String, Object> copy = new java.util.LinkedHashMap<>(raw);
    copy.put("object", object);
    return new AdmissionRequest(copy);
  }

  public static String string(Map<?, ?> map, String key) {
    return map.get(key) instanceof String s ? s : "";
  }

  /** Reads {@code metadata.labels} of an object as strings. */
  @SuppressWarnings("unchecked")
  public static Map<String, String> labels(Object object) {
    if (object instanceof Map<?, ?> map && map.get("metadata") instanceof Map<?, ?> metadata
        && metadata.get("labels") instanceof Map<?, ?> labels) {
      return (Map<String, String>) (Map<?, ?>) labels;
    }
    return Map.of();
  }

  /** Group/version/resource triple of the request. */
  public record GroupVersionResource(String group, String version, String resource) {
    static GroupVersionResource of(Object value) {
      if (value instanceof Map<?, ?> map) {
        return new GroupVersionResource(string(map, "group"), string(map, "version"), string(map, "resource"));
      }
      return new GroupVersionResource("", "", "");
    }

    public List<String> asList() {
      return List.of(group, version, resource);
    }
  }
}
