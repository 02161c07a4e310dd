package dev.triage.scan;

import dev.triage.cluster.PlainObjects;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The workloads as the API server tells them: list-and-watch informers (no resync) on the
 * pod-bearing kinds, telling a {@link BackgroundScan} of each addition, change and deletion, and
 * answering it with everything they hold for a full scan.
 */
public final class WorkloadInformers implements StoredWorkloads, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(WorkloadInformers.class.getName());
  static final List<ResourceDefinitionContext> KINDS = List.of(
      kind("apps", "v1", "deployments", "Deployment"),
      kind("apps", "v1", "statefulsets", "StatefulSet"),
      kind("apps", "v1", "daemonsets", "DaemonSet"),
      kind("apps", "v1", "replicasets", "ReplicaSet"),
      kind("batch", "v1", "jobs", "Job"),
      kind("batch", "v1", "cronjobs", "CronJob"),
      kind("", "v1", "pods", "Pod"));

  private final KubernetesClient client;
  private final List<SharedIndexInformer<GenericKubernetesResource>> informers = new ArrayList<>();

  /** Informers read with {@code client}, which stays the caller's to close; none runs before {@link #start}. */
  public WorkloadInformers(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Starts the informers, telling {@code scan} of every workload. CronJobs are watched as batch/v1
   * where the API server serves it (Kubernetes 1.21 and later), else batch/v1beta1.
   */
  public WorkloadInformers start(BackgroundScan scan) {
    for (ResourceDefinitionContext kind : KINDS) {
      inform(kind.getKind().equals("CronJob") ? cronJobs(client) : kind, scan);
    }
    informers.forEach(SharedIndexInformer::start);
    return this;
  }

  /** Every informer holds the API server's first list. */
  public boolean synced() {
    return informers.stream().allMatch(SharedIndexInformer::hasSynced);
  }

  /** Every workload the informers hold, as rules see objects. */
  @Override
  public List<Map<String, Object>> all() {
    return held(null);
  }

  /** One namespace's workloads, picked before they are turned into maps. */
  @Override
  public List<Map<String, Object>> in(String namespace) {
    return held(namespace);
  }

  private List<Map<String, Object>> held(String namespace) {
    List<Map<String, Object>> held = new ArrayList<>();
    for (SharedIndexInformer<GenericKubernetesResource> informer : informers) {
      for (GenericKubernetesResource object : informer.getStore().list()) {
        if ((namespace == null || namespace.equals(object.getMetadata().getNamespace()))
            && !ownedByController(object)) {
          held.add(PlainObjects.of(client, object));
        }
      }
    }
    return held;
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
  }

  private void inform(ResourceDefinitionContext kind, BackgroundScan scan) {
    SharedIndexInformer<GenericKubernetesResource> informer = client.genericKubernetesResources(kind)
        .inAnyNamespace().runnableInformer(0).itemStore(new PrunedStore());
    informer.exceptionHandler((started, error) -> {
      LOG.log(Level.WARNING, "background scan cannot list or watch {0}: {1}; retrying", kind.getPlural(),
          error instanceof KubernetesClientException e && e.getCode() > 0
              ? "HTTP " + e.getCode() : error.getClass().getSimpleName());
      return true;
    });
    informer.addEventHandler(new ResourceEventHandler<>() {
      @Override
      public void onAdd(GenericKubernetesResource object) {
        if (!ownedByController(object)) {
          scan.changed(PlainObjects.of(client, object));
        }
      }

      @Override
      public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource after) {
        // A status write (a Pod's every heartbeat) changes nothing the rules judge.
        if (ownedByController(after)) {
          scan.removed(names(after));
        } else if (!judgedAlike(before, after)) {
          scan.changed(PlainObjects.of(client, after));
        }
      }

      @Override
      public void onDelete(GenericKubernetesResource object, boolean finalStateUnknown) {
        scan.removed(names(object));
      }
    });
    informers.add(informer);
  }

  /**
   * Most Pods and ReplicaSets are a controller's: they are left out before being turned into maps,
   * which is most of what watching them costs.
   */
  static boolean ownedByController(GenericKubernetesResource object) {
    return !Workloads.scanned(names(object));
  }

  /** The kind and names of an object, and its owners: what tells whether and which workload it is. */
  private static Map<String, Object> names(GenericKubernetesResource object) {
    ObjectMeta metadata = object.getMetadata();
    List<Map<String, Object>> owners = new ArrayList<>();
    if (metadata.getOwnerReferences() != null) {
      metadata.getOwnerReferences().forEach(owner -> owners.add(
          Map.of("controller", Boolean.TRUE.equals(owner.getController()))));
    }
    Map<String, Object> names = new java.util.HashMap<>();
    names.put("namespace", metadata.getNamespace() == null ? "" : metadata.getNamespace());
    names.put("name", metadata.getName() == null ? "" : metadata.getName());
    names.put("ownerReferences", owners);
    return Map.of("kind", object.getKind() == null ? "" : object.getKind(), "metadata", names);
  }

  /** The same spec, labels, annotations and owners: what rules read of a workload. */
  static boolean judgedAlike(GenericKubernetesResource before, GenericKubernetesResource after) {
    ObjectMeta was = before.getMetadata();
    ObjectMeta is = after.getMetadata();
    return Objects.equals(before.getAdditionalProperties().get("spec"), after.getAdditionalProperties().get("spec"))
        && Objects.equals(was.getLabels(), is.getLabels())
        && Objects.equals(was.getAnnotations(), is.getAnnotations())
        && Objects.equals(was.getOwnerReferences(), is.getOwnerReferences());
  }

  private static ResourceDefinitionContext cronJobs(KubernetesClient client) {
    String version;
    try {
      version = client.supports("batch/v1", "CronJob") ? "v1" : "v1beta1";
    } catch (KubernetesClientException e) {
      version = "v1";
    }
    return kind("batch", version, "cronjobs", "CronJob");
  }

  private static ResourceDefinitionContext kind(String group, String version, String plural, String kind) {
    return new ResourceDefinitionContext.Builder()
        .withGroup(group).withVersion(version).withPlural(plural).withKind(kind).withNamespaced(true).build();
  }
}
