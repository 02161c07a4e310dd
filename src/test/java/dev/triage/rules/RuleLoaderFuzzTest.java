package dev.triage.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.triage.admission.AdmissionRequest;
import dev.triage.cluster.ClusterView;
import dev.triage.yaml.SourceDocument;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Rule files are written by people and edited live: whatever a file holds, loading it yields a
 * snapshot and errors that point into the file, and whatever the loaded rules say, the engine
 * answers within its deadline without throwing.
 */
class RuleLoaderFuzzTest {
  private static final RuleCompiler COMPILER = new RuleCompiler(new CelEnvironment());
  private static final Duration DEADLINE = Duration.ofMillis(500);
  /** Generous against the deadline (a 2-core machine running other builds), tight against a hang. */
  private static final Duration ANSWER_BY = Duration.ofSeconds(5);
  private static final AdmissionRequest POD = Requests.create("""
      {apiVersion: v1, kind: Pod, metadata: {name: ehr, namespace: default, labels: {app: ehr, team: records},
       annotations: {note: 'x'}}, spec: {containers: [{name: app, image: 'ehr:1', env: [{name: DB, value: pw}],
       ports: [{containerPort: 8080}], securityContext: {privileged: true}}]}}""");

  @FuzzTest
  void loadsAnyRuleFile(byte[] file) {
    List<SourceDocument> documents = new ArrayList<>();
    List<RuleError> errors = new ArrayList<>();
    RuleFiles.read("fuzz.yaml", file, documents, errors);
    RuleSnapshot snapshot = COMPILER.compile(documents, errors);
    for (RuleError error : snapshot.errors()) {
      assertEquals("fuzz.yaml", error.file(), error.toString());
      assertTrue(error.position().line() >= 1 && error.position().column() >= 1, error.toString());
      assertNotNull(error.message());
    }
    answersInTime(snapshot);
  }

  /** One expression in every place a policy takes one. */
  @FuzzTest
  void compilesAndEvaluatesAnyExpression(FuzzedDataProvider data) {
    int place = data.consumeInt(0, 5);
    String expression = data.consumeRemainingAsString().replaceAll("[\\p{Cntrl}&&[^\\n]]", " ");
    String block = "|-\n" + expression.indent(8).stripTrailing();
    String policy = switch (place) {
      case 0 -> validating("validations:\n- expression: " + block);
      case 1 -> validating("validations:\n- expression: 'false'\n  messageExpression: " + block);
      case 2 -> validating("variables:\n- name: v\n  expression: " + block
          + "\nvalidations:\n- expression: variables.v == true");
      case 3 -> validating("matchConditions:\n- name: c\n  expression: " + block
          + "\nvalidations:\n- expression: 'true'");
      case 4 -> mutating("patchType: JSONPatch\n  jsonPatch:\n    expression: " + block);
      default -> mutating("patchType: ApplyConfiguration\n  applyConfiguration:\n    expression: " + block);
    };
    List<SourceDocument> documents = new ArrayList<>();
    List<RuleError> errors = new ArrayList<>();
    RuleFiles.read("fuzz.yaml", policy.getBytes(java.nio.charset.StandardCharsets.UTF_8), documents, errors);
    answersInTime(COMPILER.compile(documents, errors));
  }

  private static String validating(String spec) {
    return "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\nmetadata: {name: fuzz}\n"
        + "spec:\n  failurePolicy: Fail\n" + spec.indent(2);
  }

  private static String mutating(String mutation) {
    return "apiVersion: admissionregistration.k8s.io/v1beta1\nkind: MutatingAdmissionPolicy\nmetadata: {name: fuzz}\n"
        + "spec:\n  mutations:\n  - " + mutation.indent(2).strip() + "\n";
  }

  private static void answersInTime(RuleSnapshot snapshot) {
    Engine engine = new Engine(() -> snapshot, ClusterView.EMPTY, Clock.systemUTC());
    long started = System.nanoTime();
    Decision validated = engine.validate(POD, Instant.now().plus(DEADLINE));
    Decision mutated = engine.mutate(POD, Instant.now().plus(DEADLINE));
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    // A review that is refused says why: a fuzzed rule never denies with an empty message.
    assertTrue(validated.response().allowed() || !validated.response().message().isEmpty(), "denied in silence");
    assertTrue(mutated.response().allowed() || !mutated.response().message().isEmpty(), "denied in silence");
    assertTrue(took.compareTo(ANSWER_BY) < 0, "answered after " + took);
  }
}
