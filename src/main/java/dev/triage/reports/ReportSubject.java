package dev.triage.reports;

import java.util.Map;

/**
 * The object a report is about, by its names alone: nothing else of the object reaches a report.
 *
 * @param namespace empty for a cluster-scoped object
 */
public record ReportSubject(String apiVersion, String kind, String namespace, String name, String uid) {

  /** Reads the names of a parsed object; its spec, env and data are never looked at. */
  public static ReportSubject of(Map<?, ?> object) {
    Map<?, ?> metadata = object.get("metadata") instanceof Map<?, ?> m ? m : Map.of();
    return new ReportSubject(text(object.get("apiVersion")), text(object.get("kind")), text(metadata.get("namespace")),
        text(metadata.get("name")), text(metadata.get("uid")));
  }

  /**
   * Whether a controller owns the object ({@code ownerReferences[].controller: true}, as a
   * Deployment owns its ReplicaSets and their Pods): such an object is judged, and reported,
   * through its owner.
   */
  public static boolean controlled(Map<?, ?> object) {
    Map<?, ?> metadata = object.get("metadata") instanceof Map<?, ?> m ? m : Map.of();
    if (metadata.get("ownerReferences") instanceof java.util.List<?> owners) {
      for (Object owner : owners) {
        if (owner instanceof Map<?, ?> reference && Boolean.TRUE.equals(reference.get("controller"))) {
          return true;
        }
      }
    }
    return false;
  }

  private static String text(Object value) {
    return value instanceof String s ? s : "";
  }
}
