package dev.triage.rules;

import dev.triage.admission.AdmissionRequest;
import java.util.Map;

/**
 * What every expression evaluated for one request shares.
 *
 * @param namespaceObject the request's Namespace, or null (cluster-scoped, or not known)
 * @param cluster the {@code cluster} variable
 * @param deadlineNanos a {@link System#nanoTime()} value after which evaluation stops
 */
record RequestContext(AdmissionRequest request, Map<String, Object> namespaceObject, Map<String, Object> cluster,
    long deadlineNanos) {

  Activation activation(Object object, Object params, PolicyBase base) {
    return new Activation(request, object, params, namespaceObject, cluster, base.variables(), deadlineNanos);
  }
}
