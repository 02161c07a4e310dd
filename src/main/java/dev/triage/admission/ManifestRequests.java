package dev.triage.admission;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Builds the AdmissionRequest the apiserver would send for a manifest, so files can be
 * evaluated offline (rule tests, {@code triage check}) exactly as a {@code kubectl apply} would be.
 */
public final class ManifestRequests {
  private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "Node", "PersistentVolume",
      "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "StorageClass", "PriorityClass",
      "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "ValidatingAdmissionPolicy",
      "ValidatingAdmissionPolicyBinding", "MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding",
      "IngressClass", "RuntimeClass", "CSIDriver", "CSINode", "VolumeAttachment", "APIService",
      "CertificateSigningRequest", "PodSecurityPolicy");

  private ManifestRequests() {}

  /**
   * @param oldObject the object before the change for UPDATE and DELETE, else null
   * @param defaultNamespace namespace for namespaced objects that name none (kubectl's current namespace)
   */
  public static AdmissionRequest of(Map<String, Object> object, Map<String, Object> oldObject, String operation,
      String defaultNamespace) {
    return of(object, oldObject, operation, defaultNamespace, Map.of("username", "triage-offline"));
  }

  /** As {@link #of(Map, Map, String, String)}, made by the user {@code userInfo} describes. */
  public static AdmissionRequest of(Map<String, Object> object, Map<String, Object> oldObject, String operation,
      String defaultNamespace, Map<String, Object> userInfo) {
    Map<String, Object> subject = object != null ? object : oldObject;
    String apiVersion = AdmissionRequest.string(subject, "apiVersion");
    String kind = AdmissionRequest.string(subject, "kind");
    int slash = apiVersion.indexOf('/');
    String group = slash < 0 ? "" : apiVersion.substring(0, slash);
    String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
    Map<?, ?> metadata = subject.get("metadata") instanceof Map<?, ?> m ? m : Map.of();
    String namespace = AdmissionRequest.string(metadata, "namespace");
    if (namespace.isEmpty() && !CLUSTER_SCOPED.contains(kind)) {
      namespace = defaultNamespace;
    }
    if (kind.equals("Namespace")) {
      namespace = AdmissionRequest.string(metadata, "name");
    }
    Map<String, Object> gvk = Map.of("group", group, "version", version, "kind", kind);
    Map<String, Object> gvr = Map.of("group", group, "version", version, "resource", resource(kind));
    Map<String, Object> raw = new LinkedHashMap<>();
    raw.put("uid", UUID.randomUUID().toString());
    raw.put("kind", gvk);
    raw.put("resource", gvr);
    raw.put("requestKind", gvk);
    raw.put("requestResource", gvr);
    raw.put("name", AdmissionRequest.string(metadata, "name"));
    raw.put("namespace", namespace);
    raw.put("operation", operation);
    raw.put("userInfo", userInfo);
    raw.put("object", object == null ? dev.cel.common.values.NullValue.NULL_VALUE : object);
    raw.put("oldObject", oldObject == null ? dev.cel.common.values.NullValue.NULL_VALUE : oldObject);
    raw.put("dryRun", Boolean.FALSE);
    return new AdmissionRequest(raw);
  }

  /** The plural resource name of a kind, as the apiserver's REST mapping would give it. */
  public static String resource(String kind) {
    String lower = kind.toLowerCase(Locale.ROOT);
    return switch (lower) {
      case "endpoints" -> "endpoints";
      case "podsecuritypolicy" -> "podsecuritypolicies";
      default -> lower.endsWith("s") || lower.endsWith("x") || lower.endsWith("ch") ? lower + "es"
          : lower.endsWith("y") && !lower.endsWith("ay") && !lower.endsWith("ey") ? lower.substring(0, lower.length() - 1) + "ies"
          : lower + "s";
    };
  }
}
