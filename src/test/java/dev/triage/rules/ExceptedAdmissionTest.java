package dev.triage.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.triage.admission.AdmissionRequest;
import dev.triage.cluster.ClusterView;
import dev.triage.cluster.StaticClusterView;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Exceptions at admission: an excepted failure is admitted with a warning that names the
 * exception and its expiry, an audit annotation and the outcome {@code excepted}; it lapses at its
 * expiry by itself; it covers mutations too. And dry-run judges the object as enforce would store it.
 */
class ExceptedAdmissionTest {
  private static final Instant BEFORE = Instant.parse("2027-01-14T23:00:00Z");
  private static final Instant AFTER = Instant.parse("2027-01-15T00:00:01Z");

  private static final String RULES = """
      apiVersion: admissionregistration.k8s.io/v1
      kind: ValidatingAdmissionPolicy
      metadata: {name: restricted-security-context}
      spec:
        matchConstraints:
          resourceRules:
          - {apiGroups: [""], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [pods]}
        validations:
        - expression: "object.spec.containers.all(c, c.?securityContext.?runAsNonRoot.orValue(false))"
          message: containers must run as non-root
        - expression: "object.spec.containers.all(c, !c.?securityContext.?privileged.orValue(false))"
          message: containers must not be privileged
      ---
      apiVersion: admissionregistration.k8s.io/v1
      kind: ValidatingAdmissionPolicy
      metadata: {name: require-team-label}
      spec:
        matchConstraints:
          resourceRules:
          - {apiGroups: [""], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [pods]}
        validations:
        - expression: "has(object.metadata.labels) && 'team' in object.metadata.labels"
          message: add label team
      ---
      apiVersion: admissionregistration.k8s.io/v1beta1
      kind: MutatingAdmissionPolicy
      metadata: {name: default-team-label}
      spec:
        matchConstraints:
          resourceRules:
          - {apiGroups: [""], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [pods]}
        reinvocationPolicy: IfNeeded
        mutations:
        - patchType: JSONPatch
          jsonPatch:
            expression: >-
              !has(object.metadata.labels) ? [JSONPatch{op: 'add', path: '/metadata/labels', value: {'team': 'unowned'}}] :
              'team' in object.metadata.labels ? [] :
              [JSONPatch{op: 'add', path: '/metadata/labels/team', value: 'unowned'}]
      ---
      apiVersion: triage.dev/v1alpha1
      kind: Exception
      metadata: {name: vendor-scanner}
      spec:
        policies:
        - policyName: restricted-security-context
          validations: [0]
        - policyName: default-team-label
        match:
          namespaces: [imaging]
          names: ["scanner-*"]
        justification: The vendor's scanner runs as root until its rootless image ships.
        expires: 2027-01-15
      """;

  private static final List<Map<String, Object>> NAMESPACES = List.of(
      Rules.manifest("{apiVersion: v1, kind: Namespace, metadata: {name: imaging}}"),
      Rules.manifest("{apiVersion: v1, kind: Namespace, metadata: {name: sandbox, labels: {triage.dev/mode: dry-run}}}"));

  private final AtomicReference<Instant> now = new AtomicReference<>(BEFORE);
  private final Engine engine = engine(RULES);

  private Engine engine(String rules) {
    Clock clock = new Clock() {
      @Override
      public ZoneOffset getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return now.get();
      }
    };
    RuleSnapshot snapshot = new RuleCompiler(new CelEnvironment(), Clock.fixed(BEFORE, ZoneOffset.UTC))
        .compile(parse(rules), List.of());
    assertEquals(List.of(), snapshot.errors());
    ClusterView cluster = new StaticClusterView(NAMESPACES, "default");
    return new Engine(() -> snapshot, cluster, clock);
  }

  private static List<dev.triage.yaml.SourceDocument> parse(String rules) {
    try {
      return dev.triage.yaml.YamlReader.read("rules/x.yaml", rules);
    } catch (dev.triage.yaml.YamlException e) {
      throw new AssertionError(e);
    }
  }

  private static AdmissionRequest rootPod(String name, String namespace) {
    return Requests.create("{apiVersion: v1, kind: Pod, metadata: {name: " + name + ", labels: {team: imaging}},"
        + " spec: {containers: [{name: scan, image: 'acme/scanner:4'}]}}", namespace);
  }

  private static RuleResult result(Decision decision, String rule) {
    return decision.results().stream().filter(r -> r.rule().equals(rule)).findFirst().orElseThrow();
  }

  @Test
  void anExceptedFailureIsAdmittedAndSaysWhichExceptionUntilWhen() {
    Decision decision = engine.validate(rootPod("scanner-7f9c", "imaging"), Instant.MAX);

    assertTrue(decision.response().allowed(), decision.response().message());
    assertEquals(List.of("[exception] restricted-security-context: containers must run as non-root"
        + " (exception vendor-scanner until 2027-01-15)"), decision.response().warnings());
    assertEquals("restricted-security-context=vendor-scanner",
        decision.response().auditAnnotations().get(Engine.EXCEPTED_BY_ANNOTATION));
    RuleResult excepted = result(decision, "restricted-security-context");
    assertEquals(Outcome.EXCEPTED, excepted.outcome());
    assertEquals("vendor-scanner", excepted.exception());
    assertEquals("containers must run as non-root", excepted.message());
    assertEquals(Outcome.PASS, result(decision, "require-team-label").outcome());
  }

  @Test
  void anObjectTheExceptionDoesNotNameIsStillDenied() {
    for (AdmissionRequest request : List.of(rootPod("web", "imaging"), rootPod("scanner-1", "billing"))) {
      Decision decision = engine.validate(request, Instant.MAX);
      assertFalse(decision.response().allowed());
      assertEquals("restricted-security-context: containers must run as non-root", decision.response().message());
      assertNull(decision.response().auditAnnotations().get(Engine.EXCEPTED_BY_ANNOTATION));
    }
  }

  @Test
  void onlyTheNamedValidationIsLifted() {
    AdmissionRequest privileged = Requests.create("{apiVersion: v1, kind: Pod, metadata: {name: scanner-2,"
        + " labels: {team: imaging}}, spec: {containers: [{name: scan, image: 'acme/scanner:4',"
        + " securityContext: {privileged: true}}]}}", "imaging");
    Decision decision = engine.validate(privileged, Instant.MAX);

    assertFalse(decision.response().allowed());
    assertEquals("restricted-security-context: containers must not be privileged", decision.response().message());
    assertEquals(List.of("[exception] restricted-security-context: containers must run as non-root"
        + " (exception vendor-scanner until 2027-01-15)"), decision.response().warnings());
    RuleResult result = result(decision, "restricted-security-context");
    assertEquals(Outcome.FAIL, result.outcome());
    assertEquals("containers must not be privileged", result.message());
  }

  @Test
  void anExceptionLapsesAtItsExpiryWithoutAReload() {
    assertTrue(engine.validate(rootPod("scanner-7f9c", "imaging"), Instant.MAX).response().allowed());
    now.set(AFTER);
    Decision decision = engine.validate(rootPod("scanner-7f9c", "imaging"), Instant.MAX);
    assertFalse(decision.response().allowed());
    assertEquals(Outcome.FAIL, result(decision, "restricted-security-context").outcome());
  }

  @Test
  void anExceptionCoversAMutatingPolicyWhole() {
    AdmissionRequest unlabelled = Requests.create("{apiVersion: v1, kind: Pod, metadata: {name: scanner-3},"
        + " spec: {containers: [{name: scan, image: 'acme/scanner:4'}]}}", "imaging");
    Decision excepted = engine.mutate(unlabelled, Instant.MAX);
    assertNull(excepted.response().patch());
    assertEquals(List.of("[exception] default-team-label: not applied (exception vendor-scanner until 2027-01-15)"),
        excepted.response().warnings());
    assertEquals("default-team-label=vendor-scanner",
        excepted.response().auditAnnotations().get(Engine.EXCEPTED_BY_ANNOTATION));
    assertEquals(Outcome.EXCEPTED, result(excepted, "default-team-label").outcome());

    now.set(AFTER);
    Decision lapsed = engine.mutate(unlabelled, Instant.MAX);
    assertNotNull(lapsed.response().patch());
    assertEquals(Outcome.MUTATED, result(lapsed, "default-team-label").outcome());
  }

  @Test
  void aMutationThatChangesNothingIsNotReportedAsExcepted() {
    Decision decision = engine.mutate(rootPod("scanner-4", "imaging"), Instant.MAX);
    assertEquals(List.of(), decision.response().warnings());
    assertEquals(Outcome.UNCHANGED, result(decision, "default-team-label").outcome());
  }

  @Test
  void dryRunJudgesTheObjectAsEnforceWouldStoreIt() {
    AdmissionRequest unlabelled = Requests.create("{apiVersion: v1, kind: Pod, metadata: {name: web},"
        + " spec: {containers: [{name: app, image: 'web:1', securityContext: {runAsNonRoot: true}}]}}", "sandbox");
    Decision mutation = engine.mutate(unlabelled, Instant.MAX);
    assertNull(mutation.response().patch(), "dry-run patches nothing");
    assertEquals(List.of("[dry-run] default-team-label: would add /metadata/labels"),
        mutation.response().warnings());

    Decision validation = engine.validate(unlabelled, Instant.MAX);
    assertEquals(List.of(), validation.response().warnings(), "the label mutation adds is not asked of the team");
    assertEquals(Outcome.PASS, result(validation, "require-team-label").outcome());

    AdmissionRequest rootAndUnlabelled = Requests.create("{apiVersion: v1, kind: Pod, metadata: {name: web},"
        + " spec: {containers: [{name: app, image: 'web:1'}]}}", "sandbox");
    assertEquals(List.of("[dry-run] restricted-security-context: containers must run as non-root"),
        engine.validate(rootAndUnlabelled, Instant.MAX).response().warnings(),
        "what no mutation fixes is still named");
  }

  @Test
  void aReviewValidatesWhatTheMutationsLeave() {
    AdmissionRequest unlabelled = Requests.create("{apiVersion: v1, kind: Pod, metadata: {name: web},"
        + " spec: {containers: [{name: app, image: 'web:1', securityContext: {runAsNonRoot: true}}]}}", "imaging");
    assertFalse(engine.validate(unlabelled, Instant.MAX).response().allowed(), "validation alone sees no label");

    Engine.Review review = engine.review(unlabelled, Instant.MAX);
    assertTrue(review.validation().response().allowed(), review.validation().response().message());
    assertEquals(List.of(Outcome.MUTATED, Outcome.PASS, Outcome.PASS),
        review.results().stream().map(RuleResult::outcome).toList());
  }
}
