package dev.triage.rules;

import dev.triage.admission.AdmissionRequest;
import dev.triage.cluster.LabelSelector;
import java.util.List;
import java.util.Map;

/**
 * {@code matchConstraints} of a policy or {@code matchResources} of a binding: which requests
 * it applies to.
 */
public record MatchResources(List<ResourceRule> resourceRules, List<ResourceRule> excludeResourceRules,
    LabelSelector namespaceSelector, LabelSelector objectSelector, boolean exact) {

  public static final MatchResources EVERYTHING =
      new MatchResources(null, List.of(), LabelSelector.EVERYTHING, LabelSelector.EVERYTHING, false);

  /**
   * @param namespaceLabels labels of the request's namespace (of the object itself when it is a Namespace)
   */
  public boolean matches(AdmissionRequest request, Map<String, String> namespaceLabels) {
    boolean namespaced = isNamespaced(request);
    if (resourceRules != null && !anyRuleMatches(resourceRules, request, namespaced)) {
      return false;
    }
    if (anyRuleMatches(excludeResourceRules, request, namespaced)) {
      return false;
    }
    boolean selectsNamespace = namespaced || "namespaces".equals(request.resource().resource());
    if (selectsNamespace && !namespaceSelector.matches(namespaceLabels)) {
      return false;
    }
    return objectSelector.isEmpty() || selects(request.object()) || selects(request.oldObject());
  }

  /** An absent object (the new one of a DELETE, the old one of a CREATE) is never selected, as in Kubernetes. */
  private boolean selects(Object object) {
    return object instanceof Map<?, ?> && objectSelector.matches(AdmissionRequest.labels(object));
  }

  private boolean anyRuleMatches(List<ResourceRule> rules, AdmissionRequest request, boolean namespaced) {
    for (ResourceRule rule : rules) {
      if (rule.matches(request, request.requestResource(), namespaced)
          || (!exact && rule.matches(request, request.resource(), namespaced))) {
        return true;
      }
    }
    return false;
  }

  /** A request is namespaced when it names a namespace, except for Namespace objects themselves. */
  static boolean isNamespaced(AdmissionRequest request) {
    return !request.namespace().isEmpty() && !"namespaces".equals(request.resource().resource());
  }
}
