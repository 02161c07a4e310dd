package dev.triage.rules;

import static dev.triage.rules.Requests.create;
import static dev.triage.rules.Requests.deployment;
import static dev.triage.rules.Rules.binding;
import static dev.triage.rules.Rules.file;
import static dev.triage.rules.Rules.policy;
import static dev.triage.rules.Rules.validate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triage.admission.AdmissionRequest;
import dev.triage.admission.AdmissionResponse;
import dev.triage.admission.ReviewCodec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BindingAndParamsTest {
  private static final String MAX_THREE = policy("max-replicas", """
      validations:
      - {expression: object.spec.replicas <= 3, message: at most 3 replicas}
      """);

  /** Takes its limit from a ReplicaLimit params object. */
  private static final String PARAM_LIMIT = policy("replica-limit", """
      failurePolicy: Fail
      paramKind: {apiVersion: rules.example.com/v1, kind: ReplicaLimit}
      validations:
      - expression: object.spec.replicas <= params.maxReplicas
        messageExpression: "params.metadata.name + ' allows at most ' + string(params.maxReplicas)"
      """);

  private static final AdmissionRequest FIVE_REPLICAS = create(deployment("api", 5));

  private static String actionsBinding(String actions) {
    return binding("max-replicas-binding", "policyName: max-replicas\nvalidationActions: " + actions);
  }

  private static String paramBinding(String paramRef) {
    return binding("replica-limit-binding",
        "policyName: replica-limit\nvalidationActions: [Deny]\nparamRef: " + paramRef);
  }

  private static String limit(String name, String namespace, String labels, long max) {
    return "{apiVersion: rules.example.com/v1, kind: ReplicaLimit, metadata: {name: " + name + ", namespace: '"
        + namespace + "', labels: " + labels + "}, maxReplicas: " + max + "}\n";
  }

  /** The JSON list Kubernetes puts under validation.policy.admission.k8s.io/validation_failure. */
  private static JsonNode auditedFailures(AdmissionResponse response) throws Exception {
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.auditAnnotations().get(Engine.VALIDATION_FAILURE_ANNOTATION));
  }

  @Test
  void aPolicyWithoutBindingDenies() {
    AdmissionResponse response = validate(MAX_THREE, FIVE_REPLICAS).response();
    assertFalse(response.allowed());
    assertEquals("max-replicas: at most 3 replicas", response.message());
  }

  @Test
  void warnAdmitsAndReturnsTheMessageAsAWarning() {
    AdmissionResponse response = validate(file(MAX_THREE, actionsBinding("[Warn]")), FIVE_REPLICAS).response();
    assertTrue(response.allowed());
    assertEquals(List.of("max-replicas: at most 3 replicas"), response.warnings());
    assertEquals(Map.of("warned-by", "max-replicas"), response.auditAnnotations(),
        "the audit log names the rule that warned, never its message");
  }

  @Test
  void auditAdmitsAndRecordsTheFailureAsKubernetesDoes() throws Exception {
    AdmissionResponse response = validate(file(MAX_THREE, actionsBinding("[Audit]")), FIVE_REPLICAS).response();
    assertTrue(response.allowed());
    assertEquals(List.of(), response.warnings());
    JsonNode audit = auditedFailures(response);
    assertEquals(1, audit.size());
    JsonNode failure = audit.get(0);
    assertEquals("max-replicas", failure.get("policy").asText());
    assertEquals("max-replicas-binding", failure.get("binding").asText());
    assertEquals("at most 3 replicas", failure.get("message").asText());
    assertEquals(0, failure.get("expressionIndex").asInt());
    assertEquals("[\"Audit\"]", failure.get("validationActions").toString());
  }

  @Test
  void denyWithAuditDeniesAndRecordsBothActions() throws Exception {
    AdmissionResponse response = validate(file(MAX_THREE, actionsBinding("[Deny, Audit]")), FIVE_REPLICAS).response();
    assertFalse(response.allowed());
    JsonNode audit = auditedFailures(response);
    assertEquals("[\"Deny\",\"Audit\"]", audit.get(0).get("validationActions").toString());
  }

  @Test
  void aBoundPolicyNoLongerAppliesEverywhere() {
    String rules = file(MAX_THREE, binding("prod-only", """
        policyName: max-replicas
        validationActions: [Deny]
        matchResources: {objectSelector: {matchLabels: {env: prod}}}
        """));
    assertTrue(validate(rules, FIVE_REPLICAS).response().allowed());
  }

  @Test
  void eachBindingAppliesItsOwnActions() {
    String rules = file(MAX_THREE, actionsBinding("[Warn]"),
        binding("audit-too", "policyName: max-replicas\nvalidationActions: [Audit]"));
    AdmissionResponse response = validate(rules, FIVE_REPLICAS).response();
    assertTrue(response.allowed());
    assertEquals(1, response.warnings().size());
    assertTrue(response.auditAnnotations().get(Engine.VALIDATION_FAILURE_ANNOTATION).contains("audit-too"));
  }

  @Test
  void policyAuditAnnotationsAreKeyedByPolicyName() {
    AdmissionResponse response = validate(policy("replica-audit", """
        validations:
        - expression: 'true'
        auditAnnotations:
        - {key: replicas, valueExpression: "'replicas=' + string(object.spec.replicas)"}
        - {key: owner, valueExpression: "has(object.metadata.labels) ? object.metadata.labels.owner : null"}
        """), FIVE_REPLICAS).response();
    assertTrue(response.allowed());
    assertEquals(Map.of("replica-audit/replicas", "replicas=5"), response.auditAnnotations(),
        "a null value adds no annotation");
  }

  @Test
  void paramRefByNameSuppliesParams() {
    String rules = file(PARAM_LIMIT, paramBinding("{name: small}"), limit("small", "", "{}", 3),
        limit("large", "", "{}", 10));
    assertEquals("replica-limit: small allows at most 3", validate(rules, FIVE_REPLICAS).response().message());
    assertTrue(validate(rules, create(deployment("api", 3))).response().allowed());
  }

  @Test
  void paramRefBySelectorEvaluatesOncePerParamsObject() {
    String rules = file(PARAM_LIMIT, paramBinding("{selector: {matchLabels: {tier: web}}}"),
        limit("four", "", "{tier: web}", 4), limit("two", "", "{tier: web}", 2), limit("one", "", "{tier: db}", 1));
    Decision decision = validate(rules, create(deployment("api", 3)));
    assertEquals(List.of("two allows at most 2"), decision.failures().stream().map(Failure::message).toList());
    assertEquals(2, validate(rules, FIVE_REPLICAS).failures().size());
  }

  @Test
  void namespacedParamsComeFromTheRequestNamespace() {
    String rules = file(PARAM_LIMIT, paramBinding("{name: team-limit}"),
        limit("team-limit", "team-a", "{}", 1), limit("team-limit", "team-b", "{}", 10));
    assertFalse(validate(rules, create(deployment("api", 5), "team-a")).response().allowed());
    assertTrue(validate(rules, create(deployment("api", 5), "team-b")).response().allowed());
  }

  @Test
  void paramRefNamespacePinsTheParamsObject() {
    String rules = file(PARAM_LIMIT, paramBinding("{name: team-limit, namespace: team-a}"),
        limit("team-limit", "team-a", "{}", 1), limit("team-limit", "team-b", "{}", 10));
    assertFalse(validate(rules, create(deployment("api", 5), "team-b")).response().allowed());
  }

  @Test
  void missingParamsDenyByDefault() {
    AdmissionResponse response = validate(file(PARAM_LIMIT, paramBinding("{name: absent}")),
        create(deployment("api", 1))).response();
    assertFalse(response.allowed());
    assertTrue(response.message().contains("no params found"), response.message());
  }

  @Test
  void missingParamsAdmitWithParameterNotFoundActionAllow() {
    String rules = file(PARAM_LIMIT, paramBinding("{name: absent, parameterNotFoundAction: Allow}"));
    Decision decision = validate(rules, FIVE_REPLICAS);
    assertTrue(decision.response().allowed());
    assertEquals(List.of(), decision.failures());
  }

  @Test
  void missingParamsFollowFailurePolicyIgnore() {
    String rules = file(PARAM_LIMIT.replace("failurePolicy: Fail", "failurePolicy: Ignore"),
        paramBinding("{name: absent, parameterNotFoundAction: Deny}"));
    assertTrue(validate(rules, FIVE_REPLICAS).response().allowed());
  }

  @Test
  void paramsIsNullWhenTheBindingHasNoParamRef() {
    String rules = file(policy("null-params", "validations:\n- expression: params == null"),
        binding("plain", "policyName: null-params\nvalidationActions: [Deny]"));
    assertTrue(validate(rules, FIVE_REPLICAS).response().allowed());
  }

  @Test
  void paramsObjectsOfTheParamKindAreNotRuleErrors() {
    RuleSnapshot snapshot = Rules.load(file(PARAM_LIMIT, paramBinding("{name: small}"), limit("small", "", "{}", 3)));
    assertEquals(1, snapshot.params().size());
    assertNull(snapshot.validating().get(0).binding().match());
  }
}
