package dev.triage.rules;

import dev.triage.admission.AdmissionRequest;
import dev.triage.admission.AdmissionRequest.GroupVersionResource;
import java.util.List;
import java.util.Set;

/**
 * One {@code resourceRules} entry (a NamedRuleWithOperations) of a match. Resources follow
 * Kubernetes: {@code pods} is the resource only, {@code pods/*} its subresources, {@code *}
 * every resource but no subresource, {@code *}{@code /*} everything.
 */
public record ResourceRule(Set<String> operations, Set<String> apiGroups, Set<String> apiVersions,
    List<String> resources, Set<String> resourceNames, String scope) {

  public boolean matches(AdmissionRequest request, GroupVersionResource gvr, boolean namespaced) {
    return anyOf(operations, request.operation())
        && anyOf(apiGroups, gvr.group())
        && anyOf(apiVersions, gvr.version())
        && resourceMatches(gvr.resource(), request.subResource())
        && (resourceNames.isEmpty() || resourceNames.contains(request.name()))
        && scopeMatches(namespaced);
  }

  private boolean resourceMatches(String resource, String subResource) {
    for (String pattern : resources) {
      int slash = pattern.indexOf('/');
      String patternResource = slash < 0 ? pattern : pattern.substring(0, slash);
      String patternSub = slash < 0 ? "" : pattern.substring(slash + 1);
      boolean resourceOk = patternResource.equals("*") || patternResource.equals(resource);
      boolean subOk = slash < 0 ? subResource.isEmpty() : patternSub.equals("*") || patternSub.equals(subResource);
      if (resourceOk && subOk) {
        return true;
      }
    }
    return false;
  }

  private boolean scopeMatches(boolean namespaced) {
    return switch (scope) {
      case "Cluster" -> !namespaced;
      case "Namespaced" -> namespaced;
      default -> true;
    };
  }

  private static boolean anyOf(Set<String> allowed, String value) {
    return allowed.contains("*") || allowed.contains(value);
  }
}
