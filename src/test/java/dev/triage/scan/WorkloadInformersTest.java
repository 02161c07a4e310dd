package dev.triage.scan;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which updates the informers pass on: what the rules judge changed, not a status write. */
class WorkloadInformersTest {
  @Test
  void aStatusWriteIsNotScannedAgain() {
    GenericKubernetesResource before = deployment("1", Map.of("app", "notes"), 3L);
    GenericKubernetesResource after = deployment("2", Map.of("app", "notes"), 3L);
    after.setAdditionalProperty("status", Map.of("readyReplicas", 3L));
    assertTrue(WorkloadInformers.judgedAlike(before, after));
  }

  @Test
  void aChangedSpecOrLabelIsScannedAgain() {
    GenericKubernetesResource before = deployment("1", Map.of("app", "notes"), 3L);
    assertFalse(WorkloadInformers.judgedAlike(before, deployment("2", Map.of("app", "notes"), 1L)));
    assertFalse(WorkloadInformers.judgedAlike(before, deployment("2", Map.of("app", "notes", "mesh", "on"), 3L)));
  }

  private static GenericKubernetesResource deployment(String resourceVersion, Map<String, String> labels,
      long replicas) {
    GenericKubernetesResource deployment = new GenericKubernetesResource();
    deployment.setApiVersion("apps/v1");
    deployment.setKind("Deployment");
    deployment.setMetadata(new ObjectMetaBuilder().withName("notes").withNamespace("clinical")
        .withResourceVersion(resourceVersion).withLabels(labels).build());
    deployment.setAdditionalProperty("spec", Map.of("replicas", replicas));
    return deployment;
  }
}
