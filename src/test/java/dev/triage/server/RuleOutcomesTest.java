package dev.triage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.triage.admission.ManifestRequests;
import dev.triage.cluster.ClusterView;
import dev.triage.rules.CelEnvironment;
import dev.triage.rules.Decision;
import dev.triage.rules.Engine;
import dev.triage.rules.RuleCompiler;
import dev.triage.rules.RuleSnapshot;
import dev.triage.yaml.YamlReader;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The decision line and the metrics say what a policy did, however many bindings it has. */
class RuleOutcomesTest {
  private static final String POLICY_WITH_TWO_BINDINGS = """
      apiVersion: admissionregistration.k8s.io/v1
      kind: ValidatingAdmissionPolicy
      metadata: {name: limit}
      spec:
        matchConstraints:
          resourceRules:
          - {apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}
        validations:
        - {expression: "false", message: never}
      ---
      apiVersion: admissionregistration.k8s.io/v1
      kind: ValidatingAdmissionPolicyBinding
      metadata: {name: limit-deny}
      spec: {policyName: limit, validationActions: [Deny]}
      ---
      apiVersion: admissionregistration.k8s.io/v1
      kind: ValidatingAdmissionPolicyBinding
      metadata: {name: limit-warn}
      spec: {policyName: limit, validationActions: [Warn]}
      """;

  @Test
  void aPolicyThatDeniesThroughOneBindingAndWarnsThroughAnotherIsLoggedAsDenying() throws Exception {
    RuleSnapshot rules = new RuleCompiler(new CelEnvironment())
        .compile(YamlReader.read("limit.yaml", POLICY_WITH_TWO_BINDINGS), List.of());
    assertEquals(List.of(), rules.errors());
    Map<String, Object> pod = Map.of("apiVersion", "v1", "kind", "Pod", "metadata", Map.of("name", "web"));
    Decision decision = new Engine(rules, ClusterView.EMPTY)
        .validate(ManifestRequests.of(pod, null, "CREATE", "default"), Instant.MAX);
    assertFalse(decision.response().allowed());
    assertEquals(Map.of("limit", "deny"), RuleOutcomes.of(decision));
  }

  @Test
  void aFailureAnExceptionLiftedIsLoggedAsExcepted() throws Exception {
    String exception = """
        ---
        apiVersion: triage.dev/v1alpha1
        kind: Exception
        metadata: {name: web-may-fail}
        spec:
          policies: [{policyName: limit}]
          match: {names: [web]}
          justification: The web pod is a demonstration.
          expires: "%s"
        """.formatted(Instant.now().plusSeconds(3_600));
    RuleSnapshot rules = new RuleCompiler(new CelEnvironment())
        .compile(YamlReader.read("limit.yaml", POLICY_WITH_TWO_BINDINGS + exception), List.of());
    assertEquals(List.of(), rules.errors());
    Map<String, Object> pod = Map.of("apiVersion", "v1", "kind", "Pod", "metadata", Map.of("name", "web"));
    Decision decision = new Engine(rules, ClusterView.EMPTY)
        .validate(ManifestRequests.of(pod, null, "CREATE", "default"), Instant.MAX);
    assertEquals(true, decision.response().allowed());
    assertEquals(Map.of("limit", "excepted"), RuleOutcomes.of(decision));
  }
}
