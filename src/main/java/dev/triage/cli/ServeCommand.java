package dev.triage.cli;

import dev.triage.cluster.ClusterView;
import dev.triage.cluster.LiveClusterView;
import dev.triage.rules.Engine;
import dev.triage.rules.RuleSnapshot;
import dev.triage.server.AdmissionServer;
import dev.triage.server.DecisionLog;
import dev.triage.server.ReviewHandler;
import dev.triage.server.TlsLog;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
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

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Clock clock = Clock.systemUTC();
    TlsLog tlsLog = new TlsLog(System.out, clock);
    if (!certificates.prepare(tlsLog, clock)) {
      return 1;
    }
    if (kubeconfig != null && inCluster) {
      throw new ParameterException(spec.commandLine(), "--kubeconfig and --in-cluster exclude each other");
    }
    RuleSnapshot snapshot = RuleDirectory.load(rules, err);
    DecisionLog log = new DecisionLog(System.out, clock);
    LiveClusterView live = kubeconfig != null || inCluster ? LiveClusterView.connect(kubeconfig) : null;
    ClusterView cluster = live != null ? live : ClusterView.EMPTY;
    Engine engine = new Engine(() -> snapshot, cluster, clock);
    Vertx vertx = Vertx.vertx();
    // Not ready until the cluster view holds the API server's first list: a PDB the cache has
    // not seen yet would otherwise deny its workload.
    AdmissionServer server = new AdmissionServer(vertx, new ReviewHandler(engine, log, clock),
        () -> live == null || live.synced(), new AdmissionServer.Config(host, port, certificates.cert(),
        certificates.key()));
    int bound = server.start().await();
    certificates.follow(vertx, server, clock);
    out.printf("Triage listening on https://%s:%d with %d policies from %s (%d problems)%n", host, bound,
        snapshot.policyCount(), rules, snapshot.errors().size());
    out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      certificates.close();
      server.close();
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
