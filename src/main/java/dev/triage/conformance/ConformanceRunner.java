package dev.triage.conformance;

import dev.triage.admission.AdmissionRequest;
import dev.triage.admission.AdmissionResponse;
import dev.triage.admission.JsonValues;
import dev.triage.cluster.ClusterView;
import dev.triage.cluster.StaticClusterView;
import dev.triage.rules.RuleCompiler;
import dev.triage.rules.RuleSnapshot;
import dev.triage.rules.Engine;
import dev.triage.yaml.Position;
import dev.triage.yaml.SourceDocument;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs outside conformance cases (one JSON object per line: a ValidatingAdmissionPolicy, its
 * params, a request and the verdict the reference implementation gave) through the same engine
 * the server uses, and counts agreement per source.
 */
public final class ConformanceRunner {
  private final RuleCompiler compiler;

  public ConformanceRunner(RuleCompiler compiler) {
    this.compiler = compiler;
  }

  /** Agreement of one source suite. */
  public record Tally(String source, int cases, int agreed, List<String> disagreements) {}

  public record Report(List<Tally> sources) {
    public int cases() {
      return sources.stream().mapToInt(Tally::cases).sum();
    }

    public int agreed() {
      return sources.stream().mapToInt(Tally::agreed).sum();
    }
  }

  public Report run(Path file) throws IOException {
    Map<String, List<String>> disagreements = new LinkedHashMap<>();
    Map<String, int[]> counts = new LinkedHashMap<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int number = 0;
      while ((line = reader.readLine()) != null) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        if (!(JsonValues.read(line.getBytes(StandardCharsets.UTF_8)) instanceof Map<?, ?> parsed)) {
          throw new IOException(file + ":" + number + ": not a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> testCase = (Map<String, Object>) parsed;
        String id = String.valueOf(testCase.get("id"));
        String source = id.contains(":") ? id.substring(0, id.indexOf(':')) : "unknown";
        String problem = judge(testCase, file + ":" + number);
        int[] count = counts.computeIfAbsent(source, k -> new int[2]);
        count[0]++;
        if (problem == null) {
          count[1]++;
        } else {
          disagreements.computeIfAbsent(source, k -> new ArrayList<>()).add(id + " (" + problem + ")");
        }
      }
    }
    List<Tally> tallies = new ArrayList<>();
    counts.forEach((source, count) -> tallies.add(
        new Tally(source, count[0], count[1], disagreements.getOrDefault(source, List.of()))));
    return new Report(tallies);
  }

  /** Null when the engine agrees with the expected verdict, else what differed. */
  @SuppressWarnings("unchecked")
  String judge(Map<String, Object> testCase, String where) {
    List<SourceDocument> documents = new ArrayList<>();
    Map<String, Object> policy = (Map<String, Object>) testCase.get("policy");
    documents.add(document(where, policy));
    Object params = testCase.get("params");
    Map<String, Object> binding = binding(policy, params, testCase.get("bindingValidationActions"));
    documents.add(document(where, binding));
    if (params instanceof Map<?, ?> paramObject) {
      documents.add(document(where, (Map<String, Object>) paramObject));
    }
    RuleSnapshot snapshot = compiler.compile(documents, List.of());
    if (!snapshot.errors().isEmpty()) {
      return "rule error: " + snapshot.errors().get(0);
    }
    List<Map<String, Object>> clusterObjects = new ArrayList<>();
    if (testCase.get("namespaceObject") instanceof Map<?, ?> namespace) {
      clusterObjects.add((Map<String, Object>) namespace);
    }
    ClusterView cluster = new StaticClusterView(clusterObjects, "default");
    Map<String, Object> raw = new LinkedHashMap<>((Map<String, Object>) testCase.get("request"));
    raw.putIfAbsent("uid", "conformance");
    raw.put("object", testCase.get("object"));
    raw.put("oldObject", testCase.get("oldObject"));
    Engine engine = new Engine(() -> snapshot, cluster, Clock.systemUTC());
    AdmissionResponse response = engine.validate(new AdmissionRequest(raw), Instant.MAX).response();
    String verdict = !response.allowed() ? "deny" : response.warnings().isEmpty() ? "allow" : "warn";
    String expected = String.valueOf(testCase.get("expected"));
    if (!verdict.equals(expected)) {
      return "expected " + expected + ", got " + verdict
          + (response.message().isEmpty() ? "" : ": " + abbreviate(response.message()));
    }
    if (testCase.get("expectedMessageContains") instanceof List<?> fragments) {
      String said = response.message() + "\n" + String.join("\n", response.warnings());
      for (Object fragment : fragments) {
        if (!said.contains(String.valueOf(fragment))) {
          return "message lacks \"" + fragment + "\"";
        }
      }
    }
    return null;
  }

  private static Map<String, Object> binding(Map<String, Object> policy, Object params, Object actions) {
    Map<?, ?> metadata = (Map<?, ?>) policy.get("metadata");
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("policyName", metadata.get("name"));
    spec.put("validationActions", actions instanceof List<?> list ? list : List.of("Deny"));
    if (params instanceof Map<?, ?> paramObject && paramObject.get("metadata") instanceof Map<?, ?> paramMeta) {
      Map<String, Object> ref = new LinkedHashMap<>();
      ref.put("name", paramMeta.get("name"));
      if (paramMeta.get("namespace") instanceof String namespace) {
        ref.put("namespace", namespace);
      }
      ref.put("parameterNotFoundAction", "Deny");
      spec.put("paramRef", ref);
    }
    return Map.of("apiVersion", "admissionregistration.k8s.io/v1", "kind", "ValidatingAdmissionPolicyBinding",
        "metadata", Map.of("name", metadata.get("name") + "-binding"), "spec", spec);
  }

  private static SourceDocument document(String where, Map<String, Object> content) {
    return new SourceDocument(where, 0, new Position(1, 1), content, Map.of());
  }

  private static String abbreviate(String text) {
    return text.length() > 160 ? text.substring(0, 160) + "…" : text;
  }
}
