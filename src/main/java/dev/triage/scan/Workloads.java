package dev.triage.scan;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which stored objects the scan evaluates: the pod-bearing kinds, except Pods, ReplicaSets and
 * Jobs a controller owns (a Deployment's ReplicaSets, a CronJob's Jobs, any controller's Pods):
 * their owner is scanned and its report is the one a team reads.
 */
final class Workloads {
  private static final Set<String> OWNED_BY_CONTROLLERS = Set.of("Pod", "ReplicaSet", "Job");

  private Workloads() {}

  static boolean scanned(Map<?, ?> object) {
    if (!(object.get("kind") instanceof String kind) || !OWNED_BY_CONTROLLERS.contains(kind)) {
      return true;
    }
    return !(metadata(object).get("ownerReferences") instanceof List<?> owners)
        || owners.stream().noneMatch(owner -> owner instanceof Map<?, ?> reference
            && Boolean.TRUE.equals(reference.get("controller")));
  }

  /** "Deployment/clinical/notes-api": one object at a time, whatever its version. */
  static String key(Map<?, ?> object) {
    Map<?, ?> metadata = metadata(object);
    return text(object.get("kind")) + "/" + text(metadata.get("namespace")) + "/" + text(metadata.get("name"));
  }

  /** The object's namespace; "" for a cluster-scoped one. */
  static String namespace(Map<?, ?> object) {
    return text(metadata(object).get("namespace"));
  }

  private static Map<?, ?> metadata(Map<?, ?> object) {
    return object.get("metadata") instanceof Map<?, ?> metadata ? metadata : Map.of();
  }

  private static String text(Object value) {
    return value instanceof String s ? s : "";
  }
}
