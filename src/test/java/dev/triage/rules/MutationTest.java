package dev.triage.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.triage.admission.AdmissionRequest;
import dev.triage.cluster.ClusterView;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** MutatingAdmissionPolicy: JSONPatch and ApplyConfiguration mutations, the patch, modes. */
class MutationTest {
  private static final String POD = "{apiVersion: v1, kind: Pod, metadata: {name: web, labels: {app: web}},"
      + " spec: {containers: [{name: app, image: 'web:1', ports: [{containerPort: 8080}]}]}}";

  static String mutating(String name, String mutations) {
    return """
        apiVersion: admissionregistration.k8s.io/v1beta1
        kind: MutatingAdmissionPolicy
        metadata: {name: %s}
        spec:
          matchConstraints:
            resourceRules:
            - {apiGroups: [""], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [pods]}
          reinvocationPolicy: IfNeeded
          mutations:
        %s""".formatted(name, mutations.indent(2));
  }

  static final String ADD_LABEL = mutating("add-team-label", """
      - patchType: JSONPatch
        jsonPatch:
          expression: >-
            has(object.metadata.labels) && 'team' in object.metadata.labels ? [] :
            [JSONPatch{op: 'add', path: '/metadata/labels/' + jsonpatch.escapeKey('example.com/team'), value: 'unowned'}]
      """);

  static final String APPLY_SECURITY = mutating("apply-security", """
      - patchType: ApplyConfiguration
        applyConfiguration:
          expression: >-
            Object{spec: Object.spec{containers: object.spec.containers.map(c,
              Object.spec.containers{name: c.name, securityContext: Object.spec.containers.securityContext{
                allowPrivilegeEscalation: c.?securityContext.?allowPrivilegeEscalation.orValue(false)}})}}
      """);

  private static Decision mutate(ClusterView cluster, AdmissionRequest request, String... files) {
    return new Engine(Rules.load(files), cluster).mutate(request, Instant.MAX);
  }

  private static String patch(Decision decision) {
    byte[] patch = decision.response().patch();
    return patch == null ? null : new String(patch, StandardCharsets.UTF_8);
  }

  @Test
  void jsonPatchAddsAnEscapedLabel() {
    Decision decision = mutate(ClusterView.EMPTY, Requests.create(POD), ADD_LABEL);
    assertEquals("[{\"op\":\"add\",\"path\":\"/metadata/labels/example.com~1team\",\"value\":\"unowned\"}]",
        patch(decision));
    assertEquals(List.of("add-team-label"), decision.changed());
  }

  @Test
  void applyConfigurationMergesContainersByNameAndKeepsOtherFields() {
    Decision decision = mutate(ClusterView.EMPTY, Requests.create(POD), APPLY_SECURITY);
    assertEquals("[{\"op\":\"add\",\"path\":\"/spec/containers/0/securityContext\","
        + "\"value\":{\"allowPrivilegeEscalation\":false}}]", patch(decision));
    Map<?, ?> container = (Map<?, ?>) ((List<?>) ((Map<?, ?>) ((Map<?, ?>) decision.mutated()).get("spec"))
        .get("containers")).get(0);
    assertEquals("web:1", container.get("image"), "fields the configuration does not name stay");
  }

  @Test
  void mutationsSeeEachOthersResultsAndASecondPassChangesNothing() {
    Decision first = mutate(ClusterView.EMPTY, Requests.create(POD), ADD_LABEL, APPLY_SECURITY);
    assertEquals(List.of("add-team-label", "apply-security"), first.changed());
    @SuppressWarnings("unchecked")
    Map<String, Object> mutated = (Map<String, Object>) first.mutated();
    AdmissionRequest again = dev.triage.admission.ManifestRequests.of(mutated, null, "CREATE", "default");
    Decision second = mutate(ClusterView.EMPTY, again, ADD_LABEL, APPLY_SECURITY);
    assertNull(second.response().patch(), "reinvocation must yield an empty patch");
  }

  @Test
  void theAuthorsValueIsNeverOverwritten() {
    String pod = POD.replace("ports:", "securityContext: {allowPrivilegeEscalation: true}, ports:");
    Decision decision = mutate(ClusterView.EMPTY, Requests.create(pod), APPLY_SECURITY);
    assertNull(decision.response().patch());
  }

  @Test
  void aFailingMutationUnderFailDenies() {
    String broken = mutating("broken", """
        - patchType: JSONPatch
          jsonPatch:
            expression: "[JSONPatch{op: 'replace', path: '/spec/nope/x', value: 1}]"
        """);
    Decision decision = mutate(ClusterView.EMPTY, Requests.create(POD), broken);
    assertFalse(decision.response().allowed());
    assertTrue(decision.response().message().startsWith("broken: mutations[0]: JSONPatch replace \"/spec/nope/x\""),
        decision.response().message());
  }

  @Test
  void aFailingMutationUnderIgnoreAdmitsUnchanged() {
    String broken = mutating("broken", """
        - patchType: JSONPatch
          jsonPatch:
            expression: "[JSONPatch{op: 'remove', path: '/spec/nope'}]"
        """).replace("reinvocationPolicy: IfNeeded", "reinvocationPolicy: IfNeeded\n  failurePolicy: Ignore");
    Decision decision = mutate(ClusterView.EMPTY, Requests.create(POD), broken);
    assertTrue(decision.response().allowed());
    assertNull(decision.response().patch());
    assertEquals(1, decision.response().warnings().size(), () -> decision.response().warnings().toString());
    assertTrue(decision.response().warnings().get(0).startsWith("broken: not applied (failurePolicy: Ignore): "),
        decision.response().warnings().get(0));
  }

  private static final String BINDING = """
      ---
      apiVersion: admissionregistration.k8s.io/v1beta1
      kind: MutatingAdmissionPolicyBinding
      metadata: {name: broken-everywhere}
      spec: {policyName: broken}
      """;

  @Test
  void aFailingMutationUnderFailDeniesThroughAnExplicitBindingToo() {
    String broken = mutating("broken", """
        - patchType: ApplyConfiguration
          applyConfiguration:
            expression: "Object{metadata: Object.metadata{labels: {'n': string(1 / 0)}}}"
        """) + BINDING;
    Decision decision = mutate(ClusterView.EMPTY, Requests.create(POD), broken);
    assertFalse(decision.response().allowed());
    assertTrue(decision.response().message().startsWith("broken: ") && decision.response().message().contains("by zero"),
        decision.response().message());
    assertEquals("broken", decision.response().auditAnnotations().get("denied-by"));
  }

  @Test
  void aFalseMatchConditionSkipsAMutationEvenWhenAnotherErrs() {
    String conditions = """
        matchConditions:
        - {name: errs, expression: "1 / 0 == 1"}
        - {name: never, expression: "false"}
        """;
    String skipped = mutating("broken", """
        - patchType: JSONPatch
          jsonPatch:
            expression: "[JSONPatch{op: 'add', path: '/metadata/labels/x', value: 'y'}]"
        """).replace("  reinvocationPolicy: IfNeeded\n", "  reinvocationPolicy: IfNeeded\n" + conditions.indent(2));
    Decision decision = mutate(ClusterView.EMPTY, Requests.create(POD), skipped);
    assertTrue(decision.response().allowed(), decision.response().message());
    assertNull(decision.response().patch());

    String failing = skipped.replace("expression: \"false\"", "expression: \"true\"");
    Decision denied = mutate(ClusterView.EMPTY, Requests.create(POD), failing);
    assertFalse(denied.response().allowed());
    assertTrue(denied.response().message().startsWith("broken: matchCondition errs: "), denied.response().message());
  }

  @Test
  void aMalformedJsonPatchIsTheRulesErrorNotACrash() {
    String broken = mutating("broken", """
        - patchType: JSONPatch
          jsonPatch:
            expression: "[JSONPatch{op: 'copy', from: 1, path: '/metadata/labels/x'}]"
        """);
    Decision decision = mutate(ClusterView.EMPTY, Requests.create(POD), broken);
    assertFalse(decision.response().allowed());
    assertTrue(decision.response().message().startsWith("broken: mutations[0]: "), decision.response().message());
  }

  private static Outcome outcome(Decision decision) {
    assertEquals(1, decision.results().size(), () -> decision.results().toString());
    return decision.results().get(0).outcome();
  }

  @Test
  void eachPolicyAndBindingHasAResultNamingWhatItDid() {
    String broken = mutating("broken", """
        - patchType: JSONPatch
          jsonPatch:
            expression: "1 / 0 == 0 ? [] : []"
        """);
    Decision failed = mutate(ClusterView.EMPTY, Requests.create(POD), broken + BINDING);
    RuleResult result = failed.results().get(0);
    assertEquals(List.of("broken", "broken-everywhere", Outcome.FAIL, Mode.ENFORCE, RuleResult.Source.ADMISSION),
        List.of(result.rule(), result.binding(), result.outcome(), result.mode(), result.source()));
    assertTrue(result.message().contains("by zero"), result.message());

    String ignored = broken.replace("reinvocationPolicy: IfNeeded", "reinvocationPolicy: IfNeeded\n  failurePolicy: Ignore");
    assertEquals(Outcome.ERROR, outcome(mutate(ClusterView.EMPTY, Requests.create(POD), ignored)));

    String skipped = broken.replace("  reinvocationPolicy: IfNeeded\n",
        "  reinvocationPolicy: IfNeeded\n  matchConditions:\n  - {name: never, expression: 'false'}\n");
    assertEquals(Outcome.SKIP, outcome(mutate(ClusterView.EMPTY, Requests.create(POD), skipped)));

    assertEquals(Outcome.MUTATED, outcome(mutate(ClusterView.EMPTY, Requests.create(POD), ADD_LABEL)));
    String labelled = POD.replace("labels: {app: web}", "labels: {app: web, team: x}");
    assertEquals(Outcome.UNCHANGED, outcome(mutate(ClusterView.EMPTY, Requests.create(labelled), ADD_LABEL)));
  }

  @Test
  void eachMutatedResultCarriesItsOwnPatchOperations() {
    Decision decision = mutate(ClusterView.EMPTY, Requests.create(POD), ADD_LABEL, APPLY_SECURITY);
    assertEquals(List.of(Outcome.MUTATED, Outcome.MUTATED), decision.results().stream().map(RuleResult::outcome).toList());
    assertEquals("/metadata/labels/example.com~1team", decision.results().get(0).patch().get(0).path());
    assertEquals("/spec/containers/0/securityContext", decision.results().get(1).patch().get(0).path());
  }

  @Test
  void dryRunNamespacesGetWarningsInsteadOfAPatch() {
    ClusterView cluster = Rules.cluster(Rules.namespace("trial", "{triage.dev/mode: dry-run}"));
    Decision decision = mutate(cluster, Requests.create(POD, "trial"), ADD_LABEL);
    assertNull(decision.response().patch());
    assertEquals(List.of("[dry-run] add-team-label: would add /metadata/labels/example.com~1team"),
        decision.response().warnings());
    assertEquals("add-team-label", decision.response().auditAnnotations().get("dry-run"));
  }

  @Test
  void warnNamespacesAreMutatedAndTheirDenialsBecomeWarnings() {
    ClusterView cluster = Rules.cluster(Rules.namespace("onboarding", "{triage.dev/mode: warn}"));
    AdmissionRequest request = Requests.create(POD, "onboarding");
    assertTrue(patch(mutate(cluster, request, ADD_LABEL)) != null);
    String deny = Rules.policy("needs-owner", "validations:\n- {expression: \"has(object.metadata.annotations)\", message: add an owner annotation}");
    Decision validation = Rules.validate(deny, cluster, request);
    assertTrue(validation.response().allowed());
    assertEquals(List.of("[warn] needs-owner: add an owner annotation"), validation.response().warnings());
  }

  @Test
  void typedLiteralsAreRejectedOutsideMutations() {
    RuleSnapshot snapshot = Rules.compile(Rules.policy("typed", "validations:\n- expression: \"Object{a: 1} != null\""));
    assertFalse(snapshot.errors().isEmpty());
    assertTrue(snapshot.errors().get(0).toString().contains("spec.validations[0].expression"));
    assertEquals(0, snapshot.policyCount());
  }
}
