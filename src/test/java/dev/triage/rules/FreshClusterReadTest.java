package dev.triage.rules;

import static dev.triage.rules.Requests.create;
import static dev.triage.rules.Requests.pod;
import static dev.triage.rules.Rules.cluster;
import static dev.triage.rules.Rules.namespace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.triage.cluster.ClusterView;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A denial that rests on the cluster view is checked against a fresh read first, so an object
 * created a moment before its dependant never causes a false denial; other denials cost no read.
 */
class FreshClusterReadTest {
  private static final String NEEDS_PDB = Rules.file(
      Rules.policy("needs-pdb", """
          {failurePolicy: Fail,
           matchConstraints: {resourceRules: [{apiGroups: [''], apiVersions: [v1], operations: [CREATE],
             resources: [pods]}]},
           validations: [{expression: "cluster.podDisruptionBudgets.exists(p,
               selectorMatches(p.spec.selector, object.metadata.labels))",
             message: no PodDisruptionBudget selects this pod}]}"""),
      Rules.binding("needs-pdb", "{policyName: needs-pdb, validationActions: [Deny]}"),
      Rules.policy("no-host-network", """
          {failurePolicy: Fail,
           matchConstraints: {resourceRules: [{apiGroups: [''], apiVersions: [v1], operations: [CREATE],
             resources: [pods]}]},
           validations: [{expression: "!object.spec.?hostNetwork.orValue(false)", message: no host network}]}"""),
      Rules.binding("no-host-network", "{policyName: no-host-network, validationActions: [Deny]}"));
  private static final String CLINICAL = namespace("clinical", "{}");
  private static final String PDB = "{apiVersion: policy/v1, kind: PodDisruptionBudget,"
      + " metadata: {name: web, namespace: clinical}, spec: {selector: {matchLabels: {app: web}}}}";

  /** A cache that has not seen the PDB yet; the API server has. */
  private static final class LaggingCache implements ClusterView {
    private final ClusterView cached = cluster(CLINICAL);
    private final ClusterView live = cluster(CLINICAL, PDB);
    int reads;

    @Override
    public Optional<Map<String, Object>> namespace(String name) {
      return cached.namespace(name);
    }

    @Override
    public List<Map<String, Object>> podDisruptionBudgets(String namespace) {
      return cached.podDisruptionBudgets(namespace);
    }

    @Override
    public ClusterView refreshed(String namespace) {
      reads++;
      return live;
    }
  }

  private final LaggingCache cache = new LaggingCache();
  private final Engine engine = new Engine(Rules.load(NEEDS_PDB), cache);

  @Test
  void pdbTheCacheHasNotSeenYetIsFoundByOneLiveRead() {
    Decision decision = engine.validate(create(pod("web-1", "{app: web}", "{}"), "clinical"), Instant.MAX);
    assertTrue(decision.response().allowed(), decision.response().message());
    assertEquals(1, cache.reads);
  }

  @Test
  void podNoPdbSelectsIsStillDeniedAfterTheLiveRead() {
    Decision decision = engine.validate(create(pod("batch-1", "{app: batch}", "{}"), "clinical"), Instant.MAX);
    assertFalse(decision.response().allowed());
    assertEquals("needs-pdb: no PodDisruptionBudget selects this pod", decision.response().message());
    assertEquals(1, cache.reads);
  }

  @Test
  void denialThatDoesNotReadTheClusterCostsNoLiveRead() {
    Engine hostNetworkOnly = new Engine(Rules.load(Rules.file(
        Rules.policy("no-host-network", """
            {failurePolicy: Fail,
             matchConstraints: {resourceRules: [{apiGroups: [''], apiVersions: [v1], operations: [CREATE],
               resources: [pods]}]},
             validations: [{expression: "!object.spec.?hostNetwork.orValue(false)", message: no host network}]}"""),
        Rules.binding("no-host-network", "{policyName: no-host-network, validationActions: [Deny]}"))), cache);
    Decision decision = hostNetworkOnly.validate(
        create(pod("node-agent", "{app: web}", "{hostNetwork: true}"), "clinical"), Instant.MAX);
    assertFalse(decision.response().allowed());
    assertEquals(0, cache.reads);
  }

  @Test
  void requestInANamespaceTheCacheDoesNotKnowIsDecidedOnAFreshRead() {
    Decision decision = engine.validate(
        create(pod("web-1", "{app: web}", "{hostNetwork: true}"), "new-team"), Instant.MAX);
    assertFalse(decision.response().allowed());
    assertEquals(1, cache.reads);
  }
}
