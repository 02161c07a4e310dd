package dev.triage.scan;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.stream.Stream;

/**
 * An informer's store that keeps whole only the objects the scan reviews: of a Pod, ReplicaSet or
 * Job a controller owns (most Pods in a cluster) it keeps the names, owners and resourceVersion the
 * informer needs, so watching every Pod costs the heap little more than their names.
 */
final class PrunedStore implements ItemStore<GenericKubernetesResource> {
  private final BasicItemStore<GenericKubernetesResource> items =
      new BasicItemStore<>(Cache::metaNamespaceKeyFunc);

  @Override
  public String getKey(GenericKubernetesResource object) {
    return items.getKey(object);
  }

  @Override
  public GenericKubernetesResource put(String key, GenericKubernetesResource object) {
    return items.put(key, WorkloadInformers.ownedByController(object) ? pruned(object) : object);
  }

  @Override
  public GenericKubernetesResource remove(String key) {
    return items.remove(key);
  }

  @Override
  public Stream<String> keySet() {
    return items.keySet();
  }

  @Override
  public Stream<GenericKubernetesResource> values() {
    return items.values();
  }

  @Override
  public int size() {
    return items.size();
  }

  @Override
  public GenericKubernetesResource get(String key) {
    return items.get(key);
  }

  static GenericKubernetesResource pruned(GenericKubernetesResource object) {
    ObjectMeta metadata = object.getMetadata();
    GenericKubernetesResource pruned = new GenericKubernetesResource();
    pruned.setApiVersion(object.getApiVersion());
    pruned.setKind(object.getKind());
    pruned.setMetadata(new ObjectMetaBuilder().withName(metadata.getName()).withNamespace(metadata.getNamespace())
        .withUid(metadata.getUid()).withResourceVersion(metadata.getResourceVersion())
        .withOwnerReferences(metadata.getOwnerReferences()).build());
    return pruned;
  }
}
