package dev.triage.exceptions;

import dev.triage.admission.AdmissionRequest;
import java.util.Map;

/**
 * What an exception is matched against: an object's names and labels, never its other fields.
 *
 * @param namespace empty for a cluster-scoped object
 */
public record ExceptedObject(String namespace, String kind, String name, Map<String, String> labels) {

  /** The object a review admits (for DELETE, the one it removes), named as the request names it. */
  public static ExceptedObject of(AdmissionRequest request) {
    Map<?, ?> subject = request.subject();
    String name = request.name();
    if (name.isEmpty() && subject.get("metadata") instanceof Map<?, ?> metadata) {
      name = AdmissionRequest.string(metadata, "name"); // a CREATE may carry the name only in the object
    }
    return new ExceptedObject(request.namespace(), request.kind(), name, AdmissionRequest.labels(subject));
  }
}
