package dev.triage.cli;

import dev.triage.certs.DevCertificates;
import dev.triage.cluster.ClusterView;
import dev.triage.cluster.LiveClusterView;
import dev.triage.rules.Engine;
import dev.triage.rules.RuleSnapshot;
import dev.triage.server.AdmissionServer;
import dev.triage.server.CertificateExpiry;
import dev.triage.server.DecisionLog;
import dev.triage.server.JsonLogFormatter;
import dev.triage.server.Metrics;
import dev.triage.server.MetricsServer;
import dev.triage.server.ReviewHandler;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
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

  @Option(names = "--cert", description = "serving certificate chain (PEM); without it, development certificates are used")
  Path cert;

  @Option(names = "--key", description = "private key of --cert (PEM)")
  Path key;

  @Option(names = "--dev-certs", defaultValue = "certs/dev",
      description = "where development certificates are kept when --cert is not given (default: ${DEFAULT-VALUE})")
  Path devCerts;

  @Option(names = "--kubeconfig",
      description = "read Namespaces and PodDisruptionBudgets from the cluster this kubeconfig names")
  Path kubeconfig;

  @Option(names = "--in-cluster",
      description = "read Namespaces and PodDisruptionBudgets with the pod's service account")
  boolean inCluster;

  @Option(names = "--metrics-port", defaultValue = "9090",
      description = "plain-HTTP port of GET /metrics (Prometheus); 0 turns it off (default: ${DEFAULT-VALUE})")
  int metricsPort;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if ((cert == null) != (key == null)) {
      throw new ParameterException(spec.commandLine(), "--cert and --key go together: give both or neither");
    }
    JsonLogFormatter.install();
    Clock clock = Clock.systemUTC();
    if (cert == null) {
      DevCertificates.Paths dev = DevCertificates.ensure(devCerts, clock);
      cert = dev.cert();
      key = dev.key();
      out.printf("development certificates in %s; trust the CA with: curl --cacert %s ...%n", devCerts, dev.caCert());
    }
    if (kubeconfig != null && inCluster) {
      throw new ParameterException(spec.commandLine(), "--kubeconfig and --in-cluster exclude each other");
    }
    RuleSnapshot snapshot = RuleDirectory.load(rules, err);
    DecisionLog log = new DecisionLog(System.out, clock);
    LiveClusterView live = kubeconfig != null || inCluster ? LiveClusterView.connect(kubeconfig) : null;
    ClusterView cluster = live != null ? live : ClusterView.EMPTY;
    Engine engine = new Engine(() -> snapshot, cluster, clock);
    Metrics metrics = new Metrics();
    metrics.rulesLoaded(snapshot);
    if (live != null) {
      metrics.clusterViewStale(live::stale);
    }
    Path servedCert = cert;
    metrics.certificateExpiry(() -> CertificateExpiry.secondsLeft(servedCert, clock));
    Vertx vertx = Vertx.vertx();
    MetricsServer metricsServer = metricsPort == 0 ? null : new MetricsServer(vertx, metrics, host, metricsPort);
    if (metricsServer != null) {
      metricsServer.start().await();
    }
    // Not ready until the cluster view holds the API server's first list: a PDB the cache has
    // not seen yet would otherwise deny its workload.
    AdmissionServer server = new AdmissionServer(vertx, new ReviewHandler(engine, log, metrics, clock),
        () -> live == null || live.synced(), new AdmissionServer.Config(host, port, cert, key));
    int bound = server.start().await();
    out.printf("Triage listening on https://%s:%d with %d policies from %s (%d problems)%s%n", host, bound,
        snapshot.policyCount(), rules, snapshot.errors().size(),
        metricsServer == null ? "" : "; metrics on http://" + host + ":" + metricsPort + "/metrics");
    out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      if (metricsServer != null) {
        metricsServer.close();
      }
      vertx.close().await();
      if (live != null) {
        live.close();
      }
      stopped.countDown();
    }, "triage-shutdown"));
    stopped.await();
    return 0;
  }
}
