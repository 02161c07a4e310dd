package dev.triage.scan;

import dev.triage.admission.AdmissionRequest;
import dev.triage.cluster.ClusterView;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The namespaces whose workloads the scan reports on: those the webhooks are sent requests from.
 * Not the ones their registrations leave out by name (the control plane's, Triage's own, the
 * chart's {@code webhook.excludedNamespaces}), nor any labelled {@code triage.dev/ignore=true},
 * read from the cluster view at the time of the scan.
 */
public record ReviewedNamespaces(Set<String> excluded, ClusterView cluster) implements Predicate<String> {
  public static final String IGNORE_LABEL = "triage.dev/ignore";

  public ReviewedNamespaces {
    excluded = Set.copyOf(excluded);
  }

  @Override
  public boolean test(String namespace) {
    return !excluded.contains(namespace) && !cluster.namespace(namespace)
        .map(object -> "true".equals(AdmissionRequest.labels(object).get(IGNORE_LABEL))).orElse(false);
  }
}
