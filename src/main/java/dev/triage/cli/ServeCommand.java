package dev.triage.cli;

import dev.triage.cluster.ClusterView;
import dev.triage.cluster.LiveClusterView;
import dev.triage.exceptions.Expiry;
import dev.triage.exceptions.ExpiryReminder;
import dev.triage.reports.LeaseLeadership;
import dev.triage.reports.QueuedReports;
import dev.triage.reports.ReportBuilder;
import dev.triage.reports.ReportFlavor;
import dev.triage.reports.ReportPruner;
import dev.triage.reports.ReportSink;
import dev.triage.reports.ReportWriter;
import dev.triage.rules.CelEnvironment;
import dev.triage.rules.Engine;
import dev.triage.rules.RuleCompiler;
import dev.triage.rules.RuleError;
import dev.triage.rules.RuleSnapshot;
import dev.triage.rules.WatchedRules;
import dev.triage.scan.BackgroundScan;
import dev.triage.scan.ReviewedNamespaces;
import dev.triage.scan.ScanUser;
import dev.triage.scan.WorkloadInformers;
import dev.triage.server.AdmissionServer;
import dev.triage.server.CompilationReadiness;
import dev.triage.server.DecisionLog;
import dev.triage.server.GoDuration;
import dev.triage.server.Limits;
import dev.triage.server.JsonLogFormatter;
import dev.triage.server.Metrics;
import dev.triage.server.MetricsServer;
import dev.triage.server.ReviewHandler;
import dev.triage.server.ServeLog;
import dev.triage.server.TlsLog;
import dev.triage.server.WarmUp;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code triage serve}: the HTTPS admission webhook. */
@Command(name = "serve", description = "Serve /validate and /mutate over HTTPS with the rules in --rules.")
final class ServeCommand implements Callable<Integer> {
  @Option(names = "--rules", defaultValue = "rules", description = "rules directory (default: ${DEFAULT-VALUE})")
  Path rules;

  @Option(names = "--port", defaultValue = "8443", description = "HTTPS port (default: ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--host", defaultValue = "0.0.0.0", description = "address to listen on (default: ${DEFAULT-VALUE})")
  String host;

  @Mixin
  CertificateOptions certificates;

  @Option(names = "--kubeconfig",
      description = "read Namespaces and PodDisruptionBudgets from the cluster this kubeconfig names")
  Path kubeconfig;

  @Option(names = "--in-cluster",
      description = "read Namespaces and PodDisruptionBudgets with the pod's service account")
  boolean inCluster;

  @Option(names = "--client-ca", description = "PEM CA bundle: /validate and /mutate answer only callers presenting a"
      + " client certificate it signed (the apiserver); probes stay open")
  Path clientCa;

  @Option(names = "--max-connections", defaultValue = "1024", description = "open connections at most (default: ${DEFAULT-VALUE})")
  int maxConnections;

  @Option(names = "--max-inflight-bytes", converter = ByteQuantityConverter.class,
      description = "request body bytes read, parsed or decided at once, as 8Mi or 8388608; a review beyond it is"
          + " answered 429 (default: a 32nd of the heap, at least 3Mi)")
  Long maxInflightBytes;

  /** Bytes as Kubernetes quantities write them: 8388608, 8192Ki, 8Mi, 1Gi. */
  static final class ByteQuantityConverter implements ITypeConverter<Long> {
    private static final Pattern QUANTITY = Pattern.compile("(\\d{1,12})(Ki|Mi|Gi)?");

    @Override
    public Long convert(String value) {
      Matcher m = QUANTITY.matcher(value);
      if (!m.matches()) {
        throw new IllegalArgumentException("not a number of bytes: use e.g. 8Mi, 8192Ki or 8388608");
      }
      int shift = m.group(2) == null ? 0 : m.group(2).equals("Ki") ? 10 : m.group(2).equals("Mi") ? 20 : 30;
      return Long.parseLong(m.group(1)) << shift;
    }
  }

  @Option(names = "--read-timeout", defaultValue = "10s", converter = GoDurationConverter.class,
      description = "time a request's head (on a new connection) or body may take to arrive (default: ${DEFAULT-VALUE})")
  Duration readTimeout;

  @Option(names = "--idle-timeout", defaultValue = "60s", converter = GoDurationConverter.class,
      description = "time a keep-alive connection may wait for its next request (default: ${DEFAULT-VALUE})")
  Duration idleTimeout;

  @Option(names = "--reload-interval", defaultValue = "250ms", converter = GoDurationConverter.class,
      description = "how often the rules directory is checked for edits (default: ${DEFAULT-VALUE})")
  Duration reloadInterval;

  @Option(names = "--shutdown-delay", defaultValue = "5s", converter = GoDurationConverter.class,
      description = "on SIGTERM, keep answering (not ready, closing connections) this long so endpoints move"
          + " callers elsewhere (default: ${DEFAULT-VALUE})")
  Duration shutdownDelay;

  @Option(names = "--shutdown-timeout", defaultValue = "15s", converter = GoDurationConverter.class,
      description = "then wait at most this long for reviews in flight before exiting (default: ${DEFAULT-VALUE})")
  Duration shutdownTimeout;

  @Option(names = "--warm-up", defaultValue = "2s", converter = WarmUpConverter.class,
      description = "before turning ready, and after each rules edit before it serves, run the rules on synthetic"
          + " reviews (at start also through the server over loopback TLS) for at most this long; 0 turns it off"
          + " (default: ${DEFAULT-VALUE})")
  Duration warmUp;

  @Option(names = "--metrics-port", defaultValue = "9090",
      description = "plain-HTTP port of GET /metrics (Prometheus); 0 turns it off (default: ${DEFAULT-VALUE})")
  int metricsPort;

  @Option(names = "--scan-interval", defaultValue = "1h", converter = WarmUpConverter.class,
      description = "with a cluster view, scan every workload in the cluster this often (and at start, on each rules"
          + " or exceptions change, when a workload changes) into reports with source background; 0 turns the scan"
          + " off (default: ${DEFAULT-VALUE})")
  Duration scanInterval;

  @Option(names = "--scan-cpu", defaultValue = "10",
      description = "percent of one core the background scan may use, so admission keeps its latency"
          + " (default: ${DEFAULT-VALUE})")
  int scanCpu;

  @Option(names = "--scan-as", defaultValue = "system:serviceaccount:triage-system:triage",
      description = "the user the background scan's reviews name, as a rule reads request.userInfo: Triage's own"
          + " service account (default: ${DEFAULT-VALUE})")
  String scanAs;

  @Option(names = "--scan-excluded-namespaces", split = ",",
      defaultValue = "kube-system,kube-public,kube-node-lease",
      description = "namespaces the webhooks are not sent requests from, so the background scan leaves them out too,"
          + " as do Triage's own namespace (of --scan-as) and namespaces labelled triage.dev/ignore=true"
          + " (default: ${DEFAULT-VALUE})")
  List<String> scanExcludedNamespaces;

  @Option(names = "--reports", converter = ReportsConverter.class,
      description = "write each workload's rule results as policy reports: openreports (openreports.io Report,"
          + " ClusterReport), wgpolicyk8s (wgpolicyk8s.io PolicyReport, ClusterPolicyReport) or off (default:"
          + " openreports with --kubeconfig or --in-cluster, off without)")
  Reports reports;

  @Option(names = "--lease-namespace", defaultValue = "${env:POD_NAMESPACE:-triage-system}",
      description = "namespace of the Lease that picks the one replica writing reports (default: $POD_NAMESPACE,"
          + " else triage-system)")
  String leaseNamespace;

  @Option(names = "--lease-identity", defaultValue = "${env:POD_NAME}",
      description = "this replica's name in that Lease (default: $POD_NAME, else host name and process id)")
  String leaseIdentity;

  @Option(names = "--report-batch", defaultValue = "20",
      description = "reports written, and reports checked for a workload that is gone, at most per"
          + " --report-interval, by the replica holding the Lease (default: ${DEFAULT-VALUE})")
  int reportBatch;

  @Option(names = "--report-interval", defaultValue = "1s", converter = GoDurationConverter.class,
      description = "how often waiting reports are written (default: ${DEFAULT-VALUE})")
  Duration reportInterval;

  @Option(names = "--exit-when-ready",
      description = "start, warm up and stop once ready: how an image build records the class-data or AOT archive"
          + " of a replica's start")
  boolean exitWhenReady;

  @Spec
  CommandSpec spec;

  /** Which policy reports {@code serve} writes, if any. */
  enum Reports { OPENREPORTS, WGPOLICYK8S, OFF }

  static final class ReportsConverter implements ITypeConverter<Reports> {
    @Override
    public Reports convert(String value) {
      return switch (value) {
        case "openreports" -> Reports.OPENREPORTS;
        case "wgpolicyk8s" -> Reports.WGPOLICYK8S;
        case "off" -> Reports.OFF;
        default -> throw new IllegalArgumentException("use openreports, wgpolicyk8s or off");
      };
    }
  }

  /** Durations as Kubernetes writes them: 500ms, 10s, 1m30s. */
  static final class GoDurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      Duration parsed = GoDuration.parse(value);
      if (parsed == null) {
        throw new IllegalArgumentException("not a positive duration: use e.g. 500ms, 10s or 1m30s");
      }
      return parsed;
    }
  }

  /** A duration, or 0 for none. */
  static final class WarmUpConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return value.equals("0") || value.equals("0s") ? Duration.ZERO : new GoDurationConverter().convert(value);
    }
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    if (kubeconfig != null && inCluster) {
      throw new ParameterException(spec.commandLine(), "--kubeconfig and --in-cluster exclude each other");
    }
    boolean clusterGiven = kubeconfig != null || inCluster;
    Reports writing = reports != null ? reports : clusterGiven ? Reports.OPENREPORTS : Reports.OFF;
    if (writing != Reports.OFF && !clusterGiven) {
      throw new ParameterException(spec.commandLine(), "--reports=" + writing.name().toLowerCase(Locale.ROOT)
          + " writes to a cluster: give --kubeconfig or --in-cluster, or --reports=off");
    }
    if (reportBatch < 1) {
      throw new ParameterException(spec.commandLine(), "--report-batch must be at least 1");
    }
    if (scanCpu < 1 || scanCpu > 100) {
      throw new ParameterException(spec.commandLine(), "--scan-cpu is a percentage of one core, 1 to 100");
    }
    Limits limits = new Limits(maxConnections, readTimeout, idleTimeout, Limits.DEFAULT.maxHeaderBytes());
    if (maxInflightBytes != null) {
      try {
        limits = limits.withMaxInflightBytes(maxInflightBytes);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--max-inflight-bytes: " + e.getMessage());
      }
    }
    Metrics metrics = new Metrics();
    Clock clock = Clock.systemUTC();
    ServeLog serveLog = new ServeLog(err, clock);
    Expiry expiry = new Expiry(clock);
    // The rules the engine serves: set once warm, and after each edit once the new rules are warm.
    AtomicReference<RuleSnapshot> serving = new AtomicReference<>();
    CompletableFuture<WarmUp> warming = new CompletableFuture<>();
    // The rules compile on another core while the certificates load and the server starts: the
    // larger part of startup, needed only by the first review.
    CompletableFuture<WatchedRules> compiling = CompletableFuture.supplyAsync(() ->
        new WatchedRules(rules, new RuleCompiler(new CelEnvironment(), clock),
            new ReloadReport(serveLog, rules, metrics, expiry, warming, serving)));
    JsonLogFormatter.install();
    TlsLog tlsLog = new TlsLog(System.out, clock);
    if (!certificates.prepare(tlsLog, serveLog, clock)) {
      return 1;
    }
    LiveClusterView live = kubeconfig != null || inCluster ? LiveClusterView.connect(kubeconfig) : null;
    DecisionLog log = new DecisionLog(System.out, clock);
    ClusterView cluster = live != null ? live : ClusterView.EMPTY;
    Engine engine = new Engine(() -> {
      RuleSnapshot current = serving.get();
      return current != null ? current : compiling.join().get();
    }, cluster, clock);
    if (live != null) {
      metrics.clusterViewStale(live::stale);
    }
    ReportOutput reportOutput = writing == Reports.OFF ? null : ReportOutput.start(kubeconfig,
        writing == Reports.WGPOLICYK8S ? ReportFlavor.WGPOLICYK8S : ReportFlavor.OPENREPORTS, leaseNamespace,
        leaseIdentity, reportInterval, reportBatch);
    if (reportOutput != null) {
      metrics.reportWriter(reportOutput.writer(), reportOutput.pruner()::pruned);
    }
    metrics.certificateExpiry(certificates::secondsUntilServingExpiry);
    // epoll when the native library loads, else NIO.
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    MetricsServer metricsServer = metricsPort == 0 ? null : new MetricsServer(vertx, metrics, host, metricsPort);
    if (metricsServer != null) {
      metricsServer.start().await();
    }
    AdmissionServer.Config config = new AdmissionServer.Config(host, port, certificates.cert(), certificates.key(),
        clientCa, limits);
    WarmUp warm = new WarmUp(vertx, rules, config, warmUp, serveLog, clock);
    warming.complete(warm);
    // Not ready until the rules are compiled and warm and the cluster view holds the API server's
    // first list: a PDB the cache has not seen yet would otherwise deny its workload.
    AdmissionServer server = new AdmissionServer(vertx, new ReviewHandler(engine, log, metrics, clock,
        reportOutput != null ? reportOutput.sink() : ReportSink.OFF),
        () -> serving.get() != null && (live == null || live.synced()), config);
    server.readinessCheck(new CompilationReadiness(compiling));
    server.readinessCheck(warm);
    int bound = server.start().await();
    certificates.follow(vertx, server, clock);
    if (!CompilationReadiness.completes(compiling)) {
      // Stay up, not ready: /readyz and the log say why, until the pod is restarted or stopped.
      serveLog.rulesFailed(rules, CompilationReadiness.failure(compiling));
      new CountDownLatch(1).await();
    }
    WatchedRules watched = compiling.join();
    RuleSnapshot snapshot = watched.get();
    metrics.rulesLoaded(snapshot);
    metrics.exceptionsLoaded(snapshot.exceptions(), expiry);
    serveLog.ruleProblems(snapshot.errors());
    ExpiryReminder reminder =
        new ExpiryReminder(() -> watched.get().exceptions(), expiry, serveLog::exceptionExpiry, Duration.ofDays(1));
    serveLog.listening("https://" + host + ":" + bound, snapshot, rules,
        (clientCa == null ? "" : "; client certificates from " + clientCa + " required")
            + (metricsServer == null ? "" : "; metrics on http://" + host + ":" + metricsPort + "/metrics"));
    warm.beforeReady(snapshot);
    serving.set(snapshot);
    watched.watch(reloadInterval);
    AutoCloseable scan = startBackgroundScan(live, serving::get, reportOutput, metrics, clock);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      // Not ready first; keep answering (each answer closing its connection) while endpoints
      // catch up, then finish the reviews in flight and exit.
      serveLog.stopping(shutdownDelay, shutdownTimeout);
      server.drain();
      try {
        Thread.sleep(shutdownDelay.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      server.shutdown(shutdownTimeout).await();
      certificates.close();
      watched.close();
      reminder.close();
      if (metricsServer != null) {
        metricsServer.close();
      }
      vertx.close().await();
      closeQuietly(scan);
      if (reportOutput != null) {
        reportOutput.close();
      }
      if (live != null) {
        live.close();
      }
      serveLog.stopped();
      stopped.countDown();
    }, "triage-shutdown"));
    if (exitWhenReady) {
      System.exit(0); // through the shutdown hook, as a stopped replica
    }
    stopped.await();
    return 0;
  }

  /**
   * The background scan: informers on the workloads, evaluated with the rules admission serves
   * and the cluster view it reads, into the reports admission writes to. Runs while this replica
   * holds the reports Lease, once the cluster view and the workload informers hold their first
   * lists. Returns what stops it, or nothing when there is no cluster, no reports or the scan is off.
   */
  private AutoCloseable startBackgroundScan(LiveClusterView live, Supplier<RuleSnapshot> rules,
      ReportOutput reports, Metrics metrics, Clock clock) {
    if (live == null || reports == null || scanInterval.isZero()) {
      return () -> { };
    }
    // The reports' client: ordinary timeouts, unlike the cluster view's live reads.
    WorkloadInformers workloads = new WorkloadInformers(reports.client());
    Set<String> excluded = new HashSet<>(scanExcludedNamespaces);
    excluded.add(ScanUser.namespace(scanAs));
    BackgroundScan scan = BackgroundScan.of(workloads, new ReviewedNamespaces(excluded, live), rules, live,
        report -> {
          try {
            reports.writer().submitWhenRoom(report);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the scan is stopping
          }
        },
        new BackgroundScan.Settings(scanInterval, scanCpu / 100.0, Duration.ofSeconds(10), ScanUser.of(scanAs),
            reports.flavor()), clock);
    metrics.backgroundScan(scan::counts);
    live.onNamespaceChange(scan::namespaceChanged);
    workloads.start(scan);
    BooleanSupplier leading = reports.lease();
    scan.start(() -> live.synced() && workloads.synced() && leading.getAsBoolean());
    return () -> {
      scan.close();
      workloads.close();
    };
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      // Stopping anyway.
    }
  }

  /**
   * The policy reports' writer: its own client (ordinary timeouts, unlike the cluster view's live
   * reads), the Lease that lets one replica write, the queue the reviews fill, and the pruner of
   * reports whose workload is gone.
   */
  private record ReportOutput(KubernetesClient client, ReportFlavor flavor, LeaseLeadership lease,
      ReportWriter writer, ReportPruner pruner, ReportSink sink) implements AutoCloseable {
    /**
     * Changes queued beyond this many workloads drop the oldest: a later review or scan rewrites it.
     * Small enough for the heap (a report is a few KiB); the scan waits for room at half of it.
     */
    private static final int MAX_PENDING = 4_000;
    private static final Duration LEASE_DURATION = Duration.ofSeconds(15);

    static ReportOutput start(Path kubeconfig, ReportFlavor flavor, String namespace, String identity,
        Duration every, int perFlush) {
      Config config = kubeconfig == null ? new ConfigBuilder().build() : Config.fromKubeconfig(kubeconfig.toFile());
      KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
      LeaseLeadership lease = new LeaseLeadership(client, namespace, "triage-reports",
          identity != null && !identity.isBlank() ? identity : defaultIdentity(), LEASE_DURATION);
      ReportWriter writer = new ReportWriter(client, lease, every, perFlush, MAX_PENDING);
      ReportPruner pruner = new ReportPruner(client, flavor, lease, every, perFlush);
      return new ReportOutput(client, flavor, lease, writer, pruner,
          new QueuedReports(new ReportBuilder(flavor), writer));
    }

    private static String defaultIdentity() {
      String host;
      try {
        host = InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        host = "triage";
      }
      return host + "-" + ProcessHandle.current().pid();
    }

    @Override
    public void close() {
      pruner.close();
      writer.close();
      lease.close();
      client.close();
    }
  }

  /** Logs what each rules edit did: the errors of a rejected one with file, line and column. */
  private record ReloadReport(ServeLog log, Path rules, Metrics metrics, Expiry expiry,
      CompletableFuture<WarmUp> warmUp,
      AtomicReference<RuleSnapshot> serving) implements WatchedRules.Listener {
    /** The new rules serve once warm; the previous ones answer meanwhile. */
    @Override
    public void reloaded(RuleSnapshot snapshot) {
      warmUp.join().beforeServing(snapshot);
      serving.set(snapshot);
      metrics.reloaded(true);
      metrics.rulesLoaded(snapshot);
      metrics.exceptionsLoaded(snapshot.exceptions(), expiry);
      log.rulesReloaded(rules, snapshot);
    }

    @Override
    public void rejected(List<RuleError> errors, long rejections) {
      metrics.reloaded(false);
      log.rulesRejected(errors, rejections);
    }
  }
}
