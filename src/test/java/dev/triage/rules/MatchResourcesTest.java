package dev.triage.rules;

import static dev.triage.rules.Requests.create;
import static dev.triage.rules.Requests.delete;
import static dev.triage.rules.Requests.pod;
import static dev.triage.rules.Requests.request;
import static dev.triage.rules.Requests.update;
import static dev.triage.rules.Rules.binding;
import static dev.triage.rules.Rules.cluster;
import static dev.triage.rules.Rules.file;
import static dev.triage.rules.Rules.namespace;
import static dev.triage.rules.Rules.policy;
import static dev.triage.rules.Rules.validate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.triage.admission.AdmissionRequest;
import dev.triage.cluster.ClusterView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MatchResourcesTest {
  private static final ClusterView CLUSTER = cluster(
      namespace("prod", "{env: prod, team: payments}"),
      namespace("dev", "{env: dev}"),
      namespace("kube-system", "{kubernetes.io/metadata.name: kube-system}"));

  private static final String CLUSTER_ROLE =
      "{apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {name: reader}}";

  /** True when a policy with these matchConstraints (YAML) is evaluated for the request. */
  private static boolean matches(String matchConstraints, AdmissionRequest request) {
    String rules = policy("p", "matchConstraints:\n" + matchConstraints.indent(2)
        + "validations:\n- expression: 'true'");
    return validate(rules, CLUSTER, request).matched().contains("p");
  }

  private static String rule(String operations, String groups, String versions, String resources) {
    return rule(operations, groups, versions, resources, "");
  }

  /** A one-entry resourceRules; {@code more} adds fields to the entry (", scope: Cluster"). */
  private static String rule(String operations, String groups, String versions, String resources, String more) {
    return "resourceRules: [{operations: " + operations + ", apiGroups: " + groups + ", apiVersions: " + versions
        + ", resources: " + resources + more + "}]";
  }

  private static AdmissionRequest configMap(String name) {
    return create("{apiVersion: v1, kind: ConfigMap, metadata: {name: " + name + "}}");
  }

  private static final String ANY_POD = rule("['*']", "['']", "['*']", "[pods]");

  @Test
  void wildcardGroupVersionAndResourceMatchEveryKind() {
    String everything = rule("['*']", "['*']", "['*']", "['*']");
    assertTrue(matches(everything, create(Requests.deployment("api", 2))));
    assertTrue(matches(everything, create(namespace("team-a", "{}"))));
    assertTrue(matches(everything, create(CLUSTER_ROLE)));
  }

  @Test
  void groupAndVersionMustBeListedWhenNotWildcard() {
    AdmissionRequest deployment = create(Requests.deployment("api", 2));
    assertTrue(matches(rule("[CREATE]", "[apps]", "[v1]", "[deployments]"), deployment));
    assertFalse(matches(rule("[CREATE]", "['']", "[v1]", "[deployments]"), deployment), "core group only");
    assertFalse(matches(rule("[CREATE]", "[apps]", "[v1beta1]", "[deployments]"), deployment), "other version");
    assertFalse(matches(rule("[CREATE]", "[apps]", "[v1]", "[statefulsets]"), deployment), "other resource");
  }

  @ParameterizedTest(name = "{0} on pods{1}: {2}")
  @CsvSource({
      "pods,        '',       true",
      "pods,        /status,  false",
      "pods/status, /status,  true",
      "pods/status, '',       false",
      "pods/status, /exec,    false",
      "pods/*,      /status,  true",
      "pods/*,      '',       true",
      "'*',         '',       true",
      "'*',         /status,  false",
      "*/*,         /status,  true",
      "*/*,         '',       true",
      "*/status,    /status,  true",
      "*/status,    /exec,    false",
  })
  void resourcePatternsFollowKubernetesSubresourceRules(String pattern, String subResource, boolean expected) {
    Requests request = request("UPDATE", "", "v1", "pods").namespace("dev").name("web");
    if (!subResource.isEmpty()) {
      request.subResource(subResource.substring(1));
    }
    assertEquals(expected, matches(rule("['*']", "['']", "[v1]", "['" + pattern + "']"), request.build()));
  }

  @Test
  void operationsListRestrictsAndWildcardAcceptsAll() {
    String createOnly = rule("[CREATE]", "['']", "[v1]", "[pods]");
    String pod = pod("web", "{}", "{}");
    assertTrue(matches(createOnly, create(pod)));
    assertFalse(matches(createOnly, update(pod, pod)));
    assertFalse(matches(createOnly, delete(pod)));
    assertTrue(matches(ANY_POD, delete(pod)));
    AdmissionRequest exec = request("CONNECT", "", "v1", "pods").subResource("exec").namespace("dev").build();
    assertTrue(matches(rule("['*']", "['']", "[v1]", "[pods/exec]"), exec));
    assertFalse(matches(rule("[CREATE, UPDATE]", "['']", "[v1]", "[pods/exec]"), exec));
  }

  @Test
  void clusterScopeMatchesClusterScopedObjectsAndNamespacesOnly() {
    String cluster = rule("['*']", "['*']", "['*']", "['*']", ", scope: Cluster");
    assertTrue(matches(cluster, create(CLUSTER_ROLE)));
    assertTrue(matches(cluster, create(namespace("team-a", "{}"))), "a Namespace is cluster-scoped");
    assertFalse(matches(cluster, create(pod("web", "{}", "{}"))));
  }

  @Test
  void namespacedScopeMatchesObjectsInsideANamespaceOnly() {
    String namespaced = rule("['*']", "['*']", "['*']", "['*']", ", scope: Namespaced");
    assertTrue(matches(namespaced, create(pod("web", "{}", "{}"))));
    assertFalse(matches(namespaced, create(namespace("team-a", "{}"))),
        "a Namespace names itself in request.namespace yet is not namespaced");
  }

  @Test
  void resourceNamesLimitTheRuleToNamedObjects() {
    String named = rule("['*']", "['']", "[v1]", "[configmaps]", ", resourceNames: [cluster-config]");
    assertTrue(matches(named, configMap("cluster-config")));
    assertFalse(matches(named, configMap("app-config")));
  }

  @Test
  void excludeResourceRulesTakePrecedenceOverResourceRules() {
    String match = rule("['*']", "['']", "[v1]", "['*']")
        + "\nexcludeResourceRules: [{operations: ['*'], apiGroups: [''], apiVersions: [v1], resources: [configmaps],"
        + " resourceNames: [kube-root-ca.crt]}]";
    assertFalse(matches(match, configMap("kube-root-ca.crt")));
    assertTrue(matches(match, configMap("app-config")));
    assertTrue(matches(match, create(pod("web", "{}", "{}"))));
  }

  @Test
  void namespaceSelectorInReadsTheLabelsOfTheRequestNamespace() {
    String match = ANY_POD + "\nnamespaceSelector: {matchExpressions: [{key: env, operator: In, values: [prod, qa]}]}";
    assertTrue(matches(match, create(pod("web", "{}", "{}"), "prod")));
    assertFalse(matches(match, create(pod("web", "{}", "{}"), "dev")));
    assertFalse(matches(match, create(pod("web", "{}", "{}"), "unknown")), "an unknown namespace has no labels");
  }

  @Test
  void namespaceSelectorNotInAndExists() {
    String notIn = ANY_POD + "\nnamespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name,"
        + " operator: NotIn, values: [kube-system]}]}";
    assertTrue(matches(notIn, create(pod("web", "{}", "{}"), "prod")));
    assertFalse(matches(notIn, create(pod("web", "{}", "{}"), "kube-system")));
    String exists = ANY_POD + "\nnamespaceSelector: {matchExpressions: [{key: team, operator: Exists}]}";
    assertTrue(matches(exists, create(pod("web", "{}", "{}"), "prod")));
    assertFalse(matches(exists, create(pod("web", "{}", "{}"), "dev")));
  }

  @Test
  void namespaceSelectorDoesNotExcludeClusterScopedObjects() {
    String match = rule("['*']", "['*']", "['*']", "['*']") + "\nnamespaceSelector: {matchLabels: {env: prod}}";
    assertTrue(matches(match, create(CLUSTER_ROLE)));
  }

  @Test
  void aNamespaceObjectIsSelectedByItsOwnNewLabels() {
    String match = "resourceRules: [{operations: ['*'], apiGroups: [''], apiVersions: [v1], resources: [namespaces]}]"
        + "\nnamespaceSelector: {matchLabels: {env: prod}}";
    assertTrue(matches(match, update(namespace("dev", "{env: prod}"), namespace("dev", "{env: dev}"))),
        "the labels being set count, not those the cluster view holds");
    assertFalse(matches(match, update(namespace("prod", "{env: retired}"), namespace("prod", "{env: prod}"))));
  }

  @Test
  void objectSelectorReadsTheObjectLabels() {
    String match = ANY_POD + "\nobjectSelector: {matchLabels: {phi: 'true'}}";
    assertTrue(matches(match, create(pod("db", "{phi: 'true'}", "{}"))));
    assertFalse(matches(match, create(pod("web", "{phi: 'false'}", "{}"))));
    assertFalse(matches(match, create(pod("web", "{}", "{}"))));
  }

  @Test
  void objectSelectorAlsoMatchesOnTheOldObjectLabels() {
    String match = ANY_POD + "\nobjectSelector: {matchLabels: {phi: 'true'}}";
    assertTrue(matches(match, update(pod("db", "{}", "{}"), pod("db", "{phi: 'true'}", "{}"))),
        "removing the label is still seen by the policy");
    assertTrue(matches(match, delete(pod("db", "{phi: 'true'}", "{}"))));
  }

  @Test
  void objectSelectorIgnoresTheMissingObjectOfADelete() {
    String match = ANY_POD + "\nobjectSelector: {matchExpressions: [{key: exempt, operator: DoesNotExist}]}";
    assertFalse(matches(match, delete(pod("db", "{exempt: 'yes'}", "{}"))),
        "a DELETE has no new object whose empty labels could satisfy DoesNotExist");
    assertTrue(matches(match, delete(pod("db", "{}", "{}"))));
  }

  @Test
  void exactMatchPolicyComparesOnlyTheResourceTheUserSent() {
    AdmissionRequest converted = request("CREATE", "apps", "v1", "deployments").namespace("dev").name("api")
        .requestResource("apps", "v1beta1", "deployments").build();
    String v1 = rule("[CREATE]", "[apps]", "[v1]", "[deployments]");
    assertTrue(matches(v1, converted), "Equivalent is the default");
    assertTrue(matches(v1 + "\nmatchPolicy: Equivalent", converted));
    assertFalse(matches(v1 + "\nmatchPolicy: Exact", converted));
    assertTrue(matches(rule("[CREATE]", "[apps]", "[v1beta1]", "[deployments]") + "\nmatchPolicy: Exact", converted));
  }

  @Test
  void bindingMatchResourcesNarrowThePolicy() {
    String rules = file(
        policy("no-host-network", "matchConstraints:\n  " + ANY_POD
            + "\nvalidations:\n- expression: '!has(object.spec.hostNetwork) || !object.spec.hostNetwork'"),
        binding("prod-only", """
            policyName: no-host-network
            validationActions: [Deny]
            matchResources:
              namespaceSelector: {matchLabels: {env: prod}}
            """));
    String hostNetwork = pod("web", "{}", "{hostNetwork: true}");
    assertFalse(validate(rules, CLUSTER, create(hostNetwork, "prod")).response().allowed());
    Decision dev = validate(rules, CLUSTER, create(hostNetwork, "dev"));
    assertTrue(dev.response().allowed());
    assertEquals(0, dev.matched().size(), "the policy is not evaluated outside the binding's match");
  }
}
