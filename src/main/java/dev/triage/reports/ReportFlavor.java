package dev.triage.reports;

import java.util.List;

/**
 * Which report group a cluster's dashboards read: {@code openreports.io} (the default, what
 * Kyverno writes since 1.15) or the older {@code wgpolicyk8s.io} that Policy Reporter also reads.
 * Both carry the same fields; only the group and kinds differ.
 */
public enum ReportFlavor {
  OPENREPORTS("openreports.io/v1alpha1", "Report", "ClusterReport"),
  WGPOLICYK8S("wgpolicyk8s.io/v1alpha2", "PolicyReport", "ClusterPolicyReport");

  private final String apiVersion;
  private final String namespacedKind;
  private final String clusterKind;

  ReportFlavor(String apiVersion, String namespacedKind, String clusterKind) {
    this.apiVersion = apiVersion;
    this.namespacedKind = namespacedKind;
    this.clusterKind = clusterKind;
  }

  public String apiVersion() {
    return apiVersion;
  }

  /** The namespaced kind, then the cluster-scoped one. */
  public List<String> kinds() {
    return List.of(namespacedKind, clusterKind);
  }

  /** The kind of the report for an object in {@code namespace} ("" for a cluster-scoped object). */
  public String kind(String namespace) {
    return namespace.isEmpty() ? clusterKind : namespacedKind;
  }
}
