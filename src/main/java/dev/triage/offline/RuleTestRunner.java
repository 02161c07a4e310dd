package dev.triage.offline;

import dev.triage.admission.AdmissionRequest;
import dev.triage.admission.AdmissionResponse;
import dev.triage.admission.ManifestRequests;
import dev.triage.cluster.StaticClusterView;
import dev.triage.rules.Engine;
import dev.triage.rules.RuleSnapshot;
import dev.triage.yaml.SourceDocument;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs rule test cases ({@code kind: RuleTest} documents, kept in {@code tests/} beside the
 * rules) through the engine, the same way the server would see each object.
 *
 * <pre>
 * apiVersion: triage.dev/v1alpha1
 * kind: RuleTest
 * metadata: {name: no-privileged}
 * spec:
 *   resources: []            # Namespaces and PodDisruptionBudgets the cluster view holds
 *   cases:
 *   - name: privileged pod is denied
 *     operation: CREATE      # default; UPDATE and DELETE take oldObject
 *     object: {...}
 *     expect: deny           # allow | deny | warn: the verdict after mutation
 *     messageContains: privileged
 *     mutated: {...}         # fields the object must have after mutation (a subset)
 *     unchanged: true        # mutation must change nothing
 *     skipMutation: true     # validation alone: what it answers when the mutating webhook timed out
 * </pre>
 *
 * <p>Each case goes through what the apiserver does: mutate, apply the patch, validate the
 * result.
 */
public final class RuleTestRunner {
  public static final String KIND = "RuleTest";

  private RuleTestRunner() {}

  @SuppressWarnings("unchecked")
  public static List<CaseResult> run(RuleSnapshot rules, List<SourceDocument> tests) {
    List<CaseResult> results = new ArrayList<>();
    for (SourceDocument document : tests) {
      String test = document.content().get("metadata") instanceof Map<?, ?> metadata
          ? AdmissionRequest.string(metadata, "name") : "";
      if (!KIND.equals(document.kind())) {
        results.add(new CaseResult(document.file(), test, "(document " + (document.index() + 1) + ")", "", "",
            "not a RuleTest: kind is \"" + document.kind() + "\""));
        continue;
      }
      Map<String, Object> spec = document.content().get("spec") instanceof Map<?, ?> s
          ? (Map<String, Object>) s : Map.of();
      List<Map<String, Object>> resources = spec.get("resources") instanceof List<?> list
          ? (List<Map<String, Object>>) list : List.of();
      List<?> cases = spec.get("cases") instanceof List<?> list ? list : List.of();
      Engine engine = new Engine(() -> rules, new StaticClusterView(resources, "default"), Clock.systemUTC());
      for (Object entry : cases) {
        results.add(runCase(engine, document.file(), test, (Map<String, Object>) entry));
      }
    }
    return results;
  }

  @SuppressWarnings("unchecked")
  private static CaseResult runCase(Engine engine, String file, String test, Map<String, Object> testCase) {
    String name = String.valueOf(testCase.getOrDefault("name", "(unnamed)"));
    String expected = String.valueOf(testCase.getOrDefault("expect", ""));
    if (!List.of("allow", "deny", "warn").contains(expected)) {
      return new CaseResult(file, test, name, expected, "", "expect must be allow, deny or warn");
    }
    Object object = testCase.get("object");
    Object oldObject = testCase.get("oldObject");
    if (!(object instanceof Map<?, ?>) && !(oldObject instanceof Map<?, ?>)) {
      return new CaseResult(file, test, name, expected, "", "a case needs an object (or an oldObject for DELETE)");
    }
    String operation = String.valueOf(testCase.getOrDefault("operation", "CREATE"));
    String namespace = String.valueOf(testCase.getOrDefault("namespace", "default"));
    AdmissionRequest request = ManifestRequests.of(object instanceof Map<?, ?> o ? (Map<String, Object>) o : null,
        oldObject instanceof Map<?, ?> o ? (Map<String, Object>) o : null, operation, namespace);
    Admission admission = Boolean.TRUE.equals(testCase.get("skipMutation"))
        ? Admission.validateOnly(engine, request) : Admission.run(engine, request);
    AdmissionResponse response = admission.validation();
    String actual = admission.verdict();
    String said = admission.said();
    String problem = null;
    if (!actual.equals(expected)) {
      problem = "expected " + expected + ", got " + actual + (said.isBlank() ? "" : ": " + said.strip());
    } else if (testCase.get("messageContains") instanceof String fragment && !said.contains(fragment)) {
      problem = "message does not contain \"" + fragment + "\": " + said.strip();
    } else if (testCase.get("mutated") instanceof Map<?, ?> wanted) {
      problem = Subset.difference(wanted, admission.object(), "");
    } else if (Boolean.TRUE.equals(testCase.get("unchanged")) && admission.mutation().patch() != null) {
      problem = "expected no mutation, got patch " + new String(admission.mutation().patch(),
          java.nio.charset.StandardCharsets.UTF_8);
    }
    return new CaseResult(file, test, name, expected, actual, problem);
  }
}
