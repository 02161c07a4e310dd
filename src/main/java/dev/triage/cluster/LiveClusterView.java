package dev.triage.cluster;

import dev.triage.admission.AdmissionRequest;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The cluster as the API server tells it: informer caches of Namespaces and
 * PodDisruptionBudgets, kept as the plain maps rules read. Lookups answer from memory; only
 * {@link #refreshed} goes to the API server, for the moment a denial rests on the cache.
 *
 * <p>When the watches break the cached objects keep serving; {@link #stale()} says so and a
 * log line marks each change of state.
 */
public final class LiveClusterView implements ClusterView, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(LiveClusterView.class.getName());
  private static final Duration LIVE_READ_TIMEOUT = Duration.ofSeconds(1);
  private static final ResourceDefinitionContext NAMESPACES = context("", "v1", "namespaces", "Namespace", false);

  private final KubernetesClient client;
  /** Null until the API server has said which PodDisruptionBudget version it serves. */
  private volatile ResourceDefinitionContext budgetsContext;
  private final Map<String, Map<String, Object>> namespaces = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Map<String, Object>>> budgets = new ConcurrentHashMap<>();
  private final List<SharedIndexInformer<GenericKubernetesResource>> informers =
      new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "triage-cluster-view");
    thread.setDaemon(true);
    return thread;
  });
  private volatile boolean stale;
  private final List<Consumer<String>> changeListeners = new CopyOnWriteArrayList<>();

  private LiveClusterView(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Starts watching PodDisruptionBudgets once the API server says which version it serves:
   * policy/v1 from Kubernetes 1.21, policy/v1beta1 before. Asked again every second until it
   * answers, so a slow first answer (a loaded API server) only delays readiness.
   */
  private void informBudgetsOnceKnown() {
    if (budgetsContext != null) {
      return;
    }
    String version;
    try {
      version = client.supports("policy/v1", "PodDisruptionBudget") ? "v1" : "v1beta1";
    } catch (KubernetesClientException e) {
      LOG.log(Level.WARNING, "cannot ask the API server which PodDisruptionBudget version it serves ({0});"
          + " asking again", describe(e));
      return;
    }
    ResourceDefinitionContext context = context("policy", version, "poddisruptionbudgets", "PodDisruptionBudget",
        true);
    inform(context, this::putBudget, this::removeBudget).start();
    budgetsContext = context;
  }

  /**
   * Connects with the kubeconfig file given, or, when it is null, with the pod's service account
   * (in-cluster configuration), and starts the informers. Closing the view closes the client.
   */
  public static LiveClusterView connect(Path kubeconfig) {
    Config config = kubeconfig == null ? new ConfigBuilder().build() : Config.fromKubeconfig(kubeconfig.toFile());
    // A live read happens while the apiserver waits for our answer: keep it short.
    // and fail fast: the informers retry on their own.
    config.setRequestTimeout((int) LIVE_READ_TIMEOUT.toMillis());
    config.setConnectionTimeout((int) LIVE_READ_TIMEOUT.toMillis());
    config.setRequestRetryBackoffLimit(0);
    return start(new KubernetesClientBuilder().withConfig(config).build());
  }

  /**
   * Starts the informers; the returned view is usable at once and {@link #synced()} once both
   * caches hold the API server's first list.
   */
  public static LiveClusterView start(KubernetesClient client) {
    LiveClusterView view = new LiveClusterView(client);
    view.inform(NAMESPACES, view::putNamespace, view::removeNamespace).start();
    view.watchdog.execute(view::informBudgetsOnceKnown);
    view.watchdog.scheduleWithFixedDelay(() -> {
      view.informBudgetsOnceKnown();
      view.checkWatches();
    }, 1, 1, TimeUnit.SECONDS);
    return view;
  }

  /** Both caches hold the API server's first full list. */
  public boolean synced() {
    return budgetsContext != null && informers.stream().allMatch(SharedIndexInformer::hasSynced);
  }

  /** A watch is down: the cache serves what it last saw. */
  public boolean stale() {
    return stale;
  }

  @Override
  public Optional<Map<String, Object>> namespace(String name) {
    return Optional.ofNullable(namespaces.get(name));
  }

  @Override
  public List<Map<String, Object>> podDisruptionBudgets(String namespace) {
    Map<String, Map<String, Object>> inNamespace = budgets.get(namespace);
    return inNamespace == null ? List.of() : List.copyOf(inNamespace.values());
  }

  /**
   * One live read of the namespace and its PodDisruptionBudgets, for a PDB created a moment
   * before the workload that needs it. Runs on the caller's thread (an evaluation worker, never
   * an event loop); if the API server cannot answer, the cached view stands.
   */
  @Override
  public ClusterView refreshed(String namespace) {
    ResourceDefinitionContext budgetsNow = budgetsContext;
    if (budgetsNow == null) {
      return this; // not synced, so not serving yet
    }
    try {
      List<Map<String, Object>> live = new ArrayList<>();
      for (GenericKubernetesResource budget : client.genericKubernetesResources(budgetsNow)
          .inNamespace(namespace).list().getItems()) {
        live.add(PlainObjects.of(client, budget));
      }
      GenericKubernetesResource namespaceObject = client.genericKubernetesResources(NAMESPACES)
          .withName(namespace).get();
      Map<String, Object> liveNamespace = namespaceObject == null ? null : PlainObjects.of(client, namespaceObject);
      return new ClusterView() {
        @Override
        public Optional<Map<String, Object>> namespace(String name) {
          return name.equals(namespace) ? Optional.ofNullable(liveNamespace) : LiveClusterView.this.namespace(name);
        }

        @Override
        public List<Map<String, Object>> podDisruptionBudgets(String name) {
          return name.equals(namespace) ? live : LiveClusterView.this.podDisruptionBudgets(name);
        }
      };
    } catch (KubernetesClientException e) {
      LOG.log(Level.WARNING, "live read of namespace {0} failed ({1}); deciding on the cached cluster view",
          namespace, describe(e));
      return this;
    }
  }

  @Override
  public void close() {
    watchdog.shutdownNow();
    informers.forEach(SharedIndexInformer::close);
    client.close();
  }

  private void checkWatches() {
    boolean nowStale = informers.stream().anyMatch(informer -> informer.hasSynced() && !informer.isWatching());
    if (nowStale != stale) {
      stale = nowStale;
      if (nowStale) {
        LOG.log(Level.WARNING, "cluster view is stale: lost the watch on the API server; serving the cached"
            + " {0} namespaces and their PodDisruptionBudgets", namespaces.size());
      } else {
        LOG.log(Level.INFO, "cluster view is current again");
      }
    }
  }

  private SharedIndexInformer<GenericKubernetesResource> inform(ResourceDefinitionContext context,
      Consumer<Map<String, Object>> put, Consumer<Map<String, Object>> remove) {
    SharedIndexInformer<GenericKubernetesResource> informer = client.genericKubernetesResources(context)
        .inAnyNamespace().runnableInformer(0);
    // Keep trying whatever the API server answers (unreachable, RBAC not yet granted): the view
    // stays not synced, and /readyz not ready, until a list succeeds.
    informer.exceptionHandler((started, error) -> {
      LOG.log(Level.WARNING, "cannot list or watch {0}: {1}; retrying", context.getPlural(), describe(error));
      return true;
    });
    informer.addEventHandler(new ResourceEventHandler<>() {
      @Override
      public void onAdd(GenericKubernetesResource object) {
        put.accept(PlainObjects.of(client, object));
      }

      @Override
      public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource after) {
        put.accept(PlainObjects.of(client, after));
      }

      @Override
      public void onDelete(GenericKubernetesResource object, boolean finalStateUnknown) {
        remove.accept(PlainObjects.of(client, object));
      }
    });
    informers.add(informer);
    return informer;
  }

  /**
   * Tells {@code listener} the name of each namespace whose object or PodDisruptionBudgets changed
   * in the cache (after the change), on an informer's thread: what the background scan rescans.
   */
  public void onNamespaceChange(Consumer<String> listener) {
    changeListeners.add(listener);
  }

  private void changed(String namespace) {
    changeListeners.forEach(listener -> listener.accept(namespace));
  }

  private void putNamespace(Map<String, Object> namespace) {
    namespaces.put(name(namespace), namespace);
    changed(name(namespace));
  }

  private void removeNamespace(Map<String, Object> namespace) {
    namespaces.remove(name(namespace));
  }

  private void putBudget(Map<String, Object> budget) {
    budgets.computeIfAbsent(namespaceOf(budget), k -> new ConcurrentHashMap<>()).put(name(budget), budget);
    changed(namespaceOf(budget));
  }

  private void removeBudget(Map<String, Object> budget) {
    budgets.computeIfPresent(namespaceOf(budget), (k, inNamespace) -> {
      inNamespace.remove(name(budget));
      return inNamespace.isEmpty() ? null : inNamespace;
    });
    changed(namespaceOf(budget));
  }

  /** An API error's status and kind, never an object or a message body from the server. */
  private static String describe(Throwable error) {
    return error instanceof KubernetesClientException e && e.getCode() > 0
        ? "HTTP " + e.getCode() : error.getClass().getSimpleName();
  }

  private static String name(Map<String, Object> object) {
    return metadata(object, "name");
  }

  private static String namespaceOf(Map<String, Object> object) {
    return metadata(object, "namespace");
  }

  private static String metadata(Map<String, Object> object, String field) {
    return object.get("metadata") instanceof Map<?, ?> metadata ? AdmissionRequest.string(metadata, field) : "";
  }

  private static ResourceDefinitionContext context(String group, String version, String plural, String kind,
      boolean namespaced) {
    return new ResourceDefinitionContext.Builder()
        .withGroup(group).withVersion(version).withPlural(plural).withKind(kind).withNamespaced(namespaced)
        .build();
  }
}
