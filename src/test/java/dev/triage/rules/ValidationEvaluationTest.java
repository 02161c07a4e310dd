package dev.triage.rules;

import static dev.triage.rules.Requests.create;
import static dev.triage.rules.Requests.deployment;
import static dev.triage.rules.Requests.update;
import static dev.triage.rules.Rules.cluster;
import static dev.triage.rules.Rules.namespace;
import static dev.triage.rules.Rules.policy;
import static dev.triage.rules.Rules.validate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.triage.admission.AdmissionRequest;
import dev.triage.admission.AdmissionResponse;
import dev.triage.cluster.ClusterView;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValidationEvaluationTest {
  private static final AdmissionRequest FIVE_REPLICAS = create(deployment("api", 5));
  private static final AdmissionRequest TWO_REPLICAS = create(deployment("api", 2));

  /** The response for a policy named "limit" with this spec (YAML), which matches every request. */
  private static AdmissionResponse respond(String spec, AdmissionRequest request) {
    return validate(policy("limit", spec), request).response();
  }

  private static AdmissionResponse respond(String spec, ClusterView cluster, AdmissionRequest request) {
    return validate(policy("limit", spec), cluster, request).response();
  }

  private static void assertDenied(String message, AdmissionResponse response) {
    assertFalse(response.allowed(), "denied");
    assertEquals(message, response.message());
  }

  @Test
  void aTrueValidationAdmits() {
    AdmissionResponse response = respond("validations:\n- expression: object.spec.replicas <= 3", TWO_REPLICAS);
    assertTrue(response.allowed());
    assertEquals("", response.message());
  }

  @Test
  void aFalseValidationDeniesWithItsMessageAndInvalid422() {
    AdmissionResponse response = respond("""
        validations:
        - expression: object.spec.replicas <= 3
          message: at most 3 replicas
        """, FIVE_REPLICAS);
    assertDenied("limit: at most 3 replicas", response);
    assertEquals(422, response.code());
    assertEquals("Invalid", response.reason());
  }

  @Test
  void reasonForbiddenAnswers403() {
    AdmissionResponse response = respond("""
        validations:
        - {expression: object.spec.replicas <= 3, message: too many, reason: Forbidden}
        """, FIVE_REPLICAS);
    assertEquals(403, response.code());
    assertEquals("Forbidden", response.reason());
  }

  @Test
  void withoutMessageTheExpressionIsQuoted() {
    assertDenied("limit: failed expression: object.spec.replicas <= 3",
        respond("validations:\n- expression: object.spec.replicas <= 3", FIVE_REPLICAS));
  }

  /** The denial of a too-many-replicas validation with message "too many replicas" and this messageExpression. */
  private static AdmissionResponse withMessageExpression(String messageExpression) {
    return respond("""
        validations:
        - expression: object.spec.replicas <= 3
          message: too many replicas
          messageExpression: %s
        """.formatted(messageExpression), FIVE_REPLICAS);
  }

  @Test
  void messageExpressionIsUsedWhenItYieldsText() {
    assertDenied("limit: api asks for 5 replicas, at most 3 are allowed", withMessageExpression(
        "object.metadata.name + ' asks for ' + string(object.spec.replicas) + ' replicas, at most 3 are allowed'"));
  }

  @Test
  void messageExpressionThatFailsFallsBackToMessage() {
    assertDenied("limit: too many replicas", withMessageExpression("\"'owner ' + object.metadata.labels.owner\""));
  }

  @Test
  void messageExpressionYieldingAnEmptyOrMultiLineStringFallsBackToMessage() {
    assertDenied("limit: too many replicas", withMessageExpression("\"''\""));
    assertDenied("limit: too many replicas", withMessageExpression("\"'first line\\\\nsecond line'\""));
  }

  @Test
  void everyFailedValidationIsReportedInOrder() {
    AdmissionResponse response = respond("""
        validations:
        - {expression: object.spec.replicas <= 3, message: too many replicas}
        - {expression: has(object.metadata.labels), message: labels are required}
        """, FIVE_REPLICAS);
    assertDenied("limit: too many replicas; limit: labels are required", response);
  }

  @Test
  void anEvaluationErrorDeniesUnderFailurePolicyFail() {
    AdmissionResponse response = respond("""
        validations:
        - {expression: object.spec.template.spec.hostNetwork == false, message: no host network}
        """, FIVE_REPLICAS);
    assertFalse(response.allowed());
    assertTrue(response.message().startsWith("limit: validations[0]: "), response.message());
    assertTrue(response.message().contains("template"), "names what was missing: " + response.message());
    assertEquals(422, response.code());
  }

  @Test
  void anEvaluationErrorAdmitsUnderFailurePolicyIgnore() {
    assertTrue(respond("""
        failurePolicy: Ignore
        validations:
        - {expression: object.spec.template.spec.hostNetwork == false, message: no host network}
        """, FIVE_REPLICAS).allowed());
  }

  @Test
  void aFalseValidationStillDeniesUnderFailurePolicyIgnore() {
    assertFalse(respond("failurePolicy: Ignore\nvalidations:\n- expression: object.spec.replicas <= 3",
        FIVE_REPLICAS).allowed());
  }

  @Test
  void aNonBooleanResultIsAnEvaluationError() {
    AdmissionResponse response = respond("validations:\n- expression: object.spec.replicas", FIVE_REPLICAS);
    assertFalse(response.allowed());
    assertTrue(response.message().contains("bool"), response.message());
  }

  @Test
  void aFalseMatchConditionSkipsThePolicy() {
    Decision decision = validate(policy("limit", """
        matchConditions:
        - {name: not-a-canary, expression: "object.metadata.name != 'api'"}
        validations:
        - expression: object.spec.replicas <= 3
        """), FIVE_REPLICAS);
    assertTrue(decision.response().allowed());
    assertEquals(List.of(), decision.failures());
  }

  @Test
  void aMatchConditionErrorDeniesUnderFailAndNamesTheCondition() {
    String spec = """
        matchConditions:
        - {name: labelled-team, expression: "object.metadata.labels.team == 'payments'"}
        validations:
        - expression: 'true'
        """;
    AdmissionResponse fail = respond(spec, FIVE_REPLICAS);
    assertFalse(fail.allowed());
    assertTrue(fail.message().startsWith("limit: matchCondition labelled-team: "), fail.message());
    assertTrue(respond("failurePolicy: Ignore\n" + spec, FIVE_REPLICAS).allowed());
  }

  @Test
  void aFalseMatchConditionWinsOverAnotherConditionsError() {
    assertTrue(respond("""
        matchConditions:
        - {name: labelled-team, expression: "object.metadata.labels.team == 'payments'"}
        - {name: is-a-pod, expression: "object.kind == 'Pod'"}
        validations:
        - expression: 'false'
        """, FIVE_REPLICAS).allowed());
  }

  @Test
  void variablesReadEarlierVariables() {
    String spec = """
        variables:
        - {name: replicas, expression: object.spec.replicas}
        - {name: tooMany, expression: variables.replicas > 3}
        validations:
        - {expression: '!variables.tooMany', messageExpression: "'replicas: ' + string(variables.replicas)"}
        """;
    assertDenied("limit: replicas: 5", respond(spec, FIVE_REPLICAS));
    assertTrue(respond(spec, TWO_REPLICAS).allowed());
  }

  @Test
  void anErroringVariableThatNoValidationReadsIsHarmless() {
    assertTrue(respond("""
        variables:
        - {name: owner, expression: object.metadata.labels.owner}
        validations:
        - expression: object.spec.replicas <= 5
        """, FIVE_REPLICAS).allowed());
  }

  @Test
  void anErroringVariableIsAbsorbedByLogicalOr() {
    String spec = """
        variables:
        - {name: owner, expression: object.metadata.labels.owner}
        validations:
        - expression: true || variables.owner == 'x'
        """;
    assertTrue(respond(spec, FIVE_REPLICAS).allowed());
    AdmissionResponse used = respond(spec.replace("true || ", ""), FIVE_REPLICAS);
    assertFalse(used.allowed());
    assertTrue(used.message().contains("variables.owner"), used.message());
  }

  @Test
  void variablesThatReadEachOtherAreAnErrorNotACrash() {
    AdmissionResponse response = respond("""
        variables:
        - {name: a, expression: variables.b}
        - {name: b, expression: variables.a}
        validations:
        - expression: variables.a
        """, FIVE_REPLICAS);
    assertFalse(response.allowed());
    assertTrue(response.message().contains("itself"), response.message());
  }

  @Test
  void namespaceObjectIsTheNamespaceFromTheClusterView() {
    String spec = "validations:\n"
        + "- expression: namespaceObject.metadata.labels.env != 'prod' || object.spec.replicas >= 3";
    ClusterView cluster = cluster(namespace("prod", "{env: prod}"), namespace("dev", "{env: dev}"));
    assertFalse(respond(spec, cluster, create(deployment("api", 2), "prod")).allowed());
    assertTrue(respond(spec, cluster, create(deployment("api", 2), "dev")).allowed());
  }

  @Test
  void namespaceObjectIsNullForClusterScopedObjects() {
    assertTrue(respond("validations:\n- expression: namespaceObject == null",
        create("{apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {name: reader}}")).allowed());
  }

  @Test
  void oldObjectAndOperationDescribeAnUpdate() {
    String spec = """
        validations:
        - expression: request.operation != 'UPDATE' || object.spec.replicas >= oldObject.spec.replicas
          message: scaling down is not allowed here
        """;
    assertDenied("limit: scaling down is not allowed here",
        respond(spec, update(deployment("api", 2), deployment("api", 5))));
    assertTrue(respond(spec, update(deployment("api", 5), deployment("api", 2))).allowed());
    assertTrue(respond(spec, TWO_REPLICAS).allowed(), "a CREATE has no oldObject to compare");
  }

  @Test
  void oldObjectIsNullOnCreate() {
    assertTrue(respond("validations:\n- expression: oldObject == null && request.operation == 'CREATE'",
        TWO_REPLICAS).allowed());
  }

  @Test
  void nothingIsEvaluatedOnceTheDeadlineHasPassed() {
    Engine engine = new Engine(Rules.load(policy("limit", "validations:\n- expression: 'true'")), ClusterView.EMPTY);
    AdmissionResponse response = engine.validate(TWO_REPLICAS, Instant.EPOCH).response();
    assertFalse(response.allowed(), "failurePolicy Fail treats an unevaluated rule as an error");
    assertTrue(response.message().contains("deadline"), response.message());
  }

  /** A validation over every pair of 0..n-1 (n² iterations), true unless some pair sums to {@code sum}. */
  private static String pairsNeverSumTo(int n, int sum) {
    String list = java.util.stream.IntStream.range(0, n).mapToObj(Integer::toString)
        .collect(java.util.stream.Collectors.joining(", ", "[", "]"));
    return "validations:\n- expression: \"%s.all(x, %s.all(y, x + y != %d))\"\n  message: a pair sums to %d"
        .formatted(list, list, sum, sum);
  }

  @Test
  void aNestedComprehensionWithinTheLimitGetsItsTrueResult() {
    // 60 × 60 iterations, well within the limit.
    assertTrue(3_600 < CelEnvironment.MAX_ITERATIONS);
    assertTrue(respond(pairsNeverSumTo(60, 500), TWO_REPLICAS).allowed());
    assertDenied("limit: a pair sums to 117", respond(pairsNeverSumTo(60, 117), TWO_REPLICAS));
  }

  @Test
  void anExpressionBeyondTheIterationLimitFailsWithTheLimitInItsMessage() {
    AdmissionResponse response = respond(pairsNeverSumTo(400, -1), TWO_REPLICAS);
    assertFalse(response.allowed());
    assertTrue(response.message().contains("Iteration budget exceeded: " + CelEnvironment.MAX_ITERATIONS),
        response.message());
  }

  @Test
  void theRequestVariableHasNoObjectAsInKubernetes() {
    assertTrue(respond("validations:\n- expression: request.operation == 'CREATE' && !has(request.object)",
        TWO_REPLICAS).allowed());
    AdmissionResponse response = respond("validations:\n- expression: request.object.spec.replicas <= 3", TWO_REPLICAS);
    assertFalse(response.allowed(), "request.object is an error, under failurePolicy Fail a denial");
    assertTrue(response.message().contains("no such key") || response.message().contains("not present"),
        response.message());
  }

  @Test
  void auditAnnotationsKeepTheOrderTheyWereWrittenIn() {
    String spec = "validations:\n- expression: 'false'\nauditAnnotations:\n"
        + java.util.stream.IntStream.range(0, 12).mapToObj(i -> "- {key: k" + (char) ('a' + i) + ", valueExpression: \"'v'\"}")
            .collect(java.util.stream.Collectors.joining("\n"));
    java.util.List<String> keys = new java.util.ArrayList<>(respond(spec, TWO_REPLICAS).auditAnnotations().keySet());
    java.util.List<String> written = keys.stream().filter(k -> k.startsWith("limit/")).toList();
    assertEquals(java.util.stream.IntStream.range(0, 12).mapToObj(i -> "limit/k" + (char) ('a' + i)).toList(), written);
  }
}
