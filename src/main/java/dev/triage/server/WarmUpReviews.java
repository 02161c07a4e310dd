package dev.triage.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.triage.admission.AdmissionRequest;
import dev.triage.admission.ManifestRequests;
import dev.triage.rules.PolicyBase;
import dev.triage.rules.RuleSnapshot;
import dev.triage.yaml.SourceDocument;
import dev.triage.yaml.YamlException;
import dev.triage.yaml.YamlReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The synthetic AdmissionReviews a warm-up sends: the objects of the rule tests beside the rules
 * ({@code <rules>/tests/*.yaml}, as {@code triage test} runs them) and, for each loaded policy, an
 * object of every resource its match rules name, so rules without tests are exercised too. Each
 * goes to both endpoints.
 *
 * @param bodies AdmissionReview bytes, each sent to {@code /validate} and {@code /mutate}
 * @param clusterObjects the Namespaces and PodDisruptionBudgets the tests declare, for a cluster
 *     view of the warm-up's own
 */
record WarmUpReviews(List<byte[]> bodies, List<Map<String, Object>> clusterObjects) {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Kinds whose plural resource name does not simply capitalise back. */
  private static final Map<String, String> KINDS = Map.ofEntries(
      Map.entry("pods", "Pod"), Map.entry("deployments", "Deployment"), Map.entry("statefulsets", "StatefulSet"),
      Map.entry("daemonsets", "DaemonSet"), Map.entry("replicasets", "ReplicaSet"), Map.entry("jobs", "Job"),
      Map.entry("cronjobs", "CronJob"), Map.entry("poddisruptionbudgets", "PodDisruptionBudget"),
      Map.entry("namespaces", "Namespace"), Map.entry("services", "Service"), Map.entry("configmaps", "ConfigMap"),
      Map.entry("secrets", "Secret"), Map.entry("serviceaccounts", "ServiceAccount"),
      Map.entry("networkpolicies", "NetworkPolicy"), Map.entry("ingresses", "Ingress"));

  /** The reviews for {@code rules}, loaded from {@code directory}; test files that do not read are skipped. */
  @SuppressWarnings("unchecked")
  static WarmUpReviews of(Path directory, RuleSnapshot rules) {
    List<byte[]> bodies = new ArrayList<>();
    List<Map<String, Object>> cluster = new ArrayList<>();
    for (SourceDocument test : testDocuments(directory.resolve("tests"))) {
      Map<?, ?> spec = test.content().get("spec") instanceof Map<?, ?> s ? s : Map.of();
      if (spec.get("resources") instanceof List<?> resources) {
        resources.stream().filter(Map.class::isInstance).forEach(r -> cluster.add((Map<String, Object>) r));
      }
      if (spec.get("cases") instanceof List<?> cases) {
        for (Object entry : cases) {
          if (entry instanceof Map<?, ?> testCase) {
            Map<String, Object> object = testCase.get("object") instanceof Map<?, ?> o ? (Map<String, Object>) o : null;
            Map<String, Object> old = testCase.get("oldObject") instanceof Map<?, ?> o ? (Map<String, Object>) o : null;
            if (object != null || old != null) {
              bodies.add(body(ManifestRequests.of(object, old,
                  text(testCase.get("operation"), "CREATE"), text(testCase.get("namespace"), "default"))));
            }
          }
        }
      }
    }
    for (Map<String, Object> object : matchedObjects(rules)) {
      bodies.add(body(ManifestRequests.of(object, null, "CREATE", "default")));
    }
    return new WarmUpReviews(List.copyOf(bodies), List.copyOf(cluster));
  }

  private static String text(Object value, String otherwise) {
    return value instanceof String text ? text : otherwise;
  }

  private static List<SourceDocument> testDocuments(Path tests) {
    if (!Files.isDirectory(tests)) {
      return List.of();
    }
    List<SourceDocument> documents = new ArrayList<>();
    try (Stream<Path> files = Files.list(tests)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted()
          .toList()) {
        try {
          documents.addAll(YamlReader.read(file.toString(), Files.readString(file)));
        } catch (YamlException | IOException e) {
          // A test file that does not read only means fewer warm-up reviews; `triage test` reports it.
        }
      }
    } catch (IOException e) {
      return List.of();
    }
    return documents;
  }

  /** One small object of each resource a policy's match rules name, with a pod template where one fits. */
  private static List<Map<String, Object>> matchedObjects(RuleSnapshot rules) {
    Set<String> seen = new LinkedHashSet<>();
    List<Map<String, Object>> objects = new ArrayList<>();
    Stream.concat(rules.validating().stream().map(RuleSnapshot.Bound::base),
        rules.mutating().stream().map(RuleSnapshot.Bound::base)).map(PolicyBase::match)
        .filter(match -> match != null && match.resourceRules() != null)
        .flatMap(match -> match.resourceRules().stream())
        .forEach(rule -> {
          for (String resource : rule.resources()) {
            if (resource.contains("*") || resource.contains("/")) {
              continue;
            }
            String group = first(rule.apiGroups(), "");
            String version = first(rule.apiVersions(), "v1");
            String apiVersion = group.isEmpty() ? version : group + "/" + version;
            if (seen.add(apiVersion + " " + resource)) {
              objects.add(object(apiVersion, kind(resource)));
            }
          }
        });
    return objects;
  }

  private static String first(Set<String> values, String otherwise) {
    return values.stream().filter(v -> !v.equals("*")).findFirst().orElse(otherwise);
  }

  private static String kind(String resource) {
    String known = KINDS.get(resource);
    if (known != null) {
      return known;
    }
    String singular = resource.endsWith("ies") ? resource.substring(0, resource.length() - 3) + "y"
        : resource.endsWith("s") ? resource.substring(0, resource.length() - 1) : resource;
    return singular.substring(0, 1).toUpperCase(Locale.ROOT) + singular.substring(1);
  }

  private static Map<String, Object> object(String apiVersion, String kind) {
    Map<String, Object> container = Map.of("name", "app", "image", "registry.local/app:1",
        "env", List.of(Map.of("name", "MODE", "value", "warm-up")));
    Map<String, Object> podSpec = Map.of("containers", List.of(container));
    Map<String, Object> template = Map.of("metadata", Map.of("labels", Map.of("app", "warm-up")), "spec", podSpec);
    Map<String, Object> object = new LinkedHashMap<>();
    object.put("apiVersion", apiVersion);
    object.put("kind", kind);
    object.put("metadata", Map.of("name", "warm-up", "namespace", "default", "labels", Map.of("app", "warm-up")));
    switch (kind) {
      case "Pod" -> object.put("spec", podSpec);
      case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet" -> object.put("spec",
          Map.of("replicas", 2L, "selector", Map.of("matchLabels", Map.of("app", "warm-up")), "template", template));
      case "Job" -> object.put("spec", Map.of("template", template));
      case "CronJob" -> object.put("spec", Map.of("schedule", "0 * * * *",
          "jobTemplate", Map.of("spec", Map.of("template", template))));
      default -> { }
    }
    return object;
  }

  private static byte[] body(AdmissionRequest request) {
    Map<String, Object> raw = new LinkedHashMap<>(request.raw());
    raw.replaceAll((key, value) -> value instanceof Map || value instanceof List || value instanceof String
        || value instanceof Boolean || value instanceof Number ? value : null);
    Map<String, Object> review = new LinkedHashMap<>();
    review.put("apiVersion", "admission.k8s.io/v1");
    review.put("kind", "AdmissionReview");
    review.put("request", raw);
    try {
      return JSON.writeValueAsBytes(review);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
