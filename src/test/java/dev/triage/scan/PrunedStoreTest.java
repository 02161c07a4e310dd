package dev.triage.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrunedStoreTest {
  @Test
  void anObjectAControllerOwnsIsKeptByItsNamesAndOwnersOnly() {
    PrunedStore store = new PrunedStore();
    GenericKubernetesResource owned = pod("web-7d9f-x2", true);
    store.put(store.getKey(owned), owned);

    GenericKubernetesResource kept = store.get("clinical/web-7d9f-x2");
    assertNull(kept.getAdditionalProperties().get("spec"));
    assertEquals("Pod", kept.getKind());
    assertEquals("42", kept.getMetadata().getResourceVersion());
    assertEquals(owned.getMetadata().getOwnerReferences(), kept.getMetadata().getOwnerReferences());
    assertEquals(Map.of(), java.util.Objects.requireNonNullElse(kept.getMetadata().getLabels(), Map.of()));
  }

  @Test
  void anObjectTheScanReviewsIsKeptWhole() {
    PrunedStore store = new PrunedStore();
    GenericKubernetesResource bare = pod("debug", false);
    store.put(store.getKey(bare), bare);

    assertSame(bare, store.get("clinical/debug"));
    assertEquals(1, store.size());
  }

  private static GenericKubernetesResource pod(String name, boolean controller) {
    GenericKubernetesResource pod = new GenericKubernetesResource();
    pod.setApiVersion("v1");
    pod.setKind("Pod");
    pod.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("clinical").withResourceVersion("42")
        .withLabels(Map.of("app", "web"))
        .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("ReplicaSet")
            .withName("web-7d9f").withUid("uid-rs").withController(controller).build()).build());
    pod.setAdditionalProperty("spec", Map.of("containers", java.util.List.of(Map.of("name", "web"))));
    return pod;
  }
}
