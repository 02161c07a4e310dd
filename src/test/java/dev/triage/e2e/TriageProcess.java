package dev.triage.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Triage as a host process: {@code java -jar target/triage.jar serve}, as the README runs it. */
final class TriageProcess implements Triage {
  private final Process process;
  private final int port;
  final Path log;

  private TriageProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /**
   * Starts Triage with the shipped rules, the given certificate, and a live cluster view read
   * with Triage's own service account; returns once {@code /readyz} says ready.
   */
  static TriageProcess start(KubeApiServer apiServer, Pki pki) throws Exception {
    TriageProcess triage = launch(apiServer, pki, apiServer.triageKubeconfig);
    triage.awaitReady(pki);
    return triage;
  }

  /** Starts Triage reading the cluster with {@code kubeconfig}; does not wait for it. */
  static TriageProcess launch(KubeApiServer apiServer, Pki pki, Path kubeconfig, String... more) throws Exception {
    return launch(apiServer, pki, kubeconfig, Prerequisites.PROJECT.resolve("rules"), more);
  }

  /** Starts Triage with the rules in {@code rules}, reading the cluster with {@code kubeconfig}; does not wait. */
  static TriageProcess launch(KubeApiServer apiServer, Pki pki, Path kubeconfig, Path rules, String... more)
      throws Exception {
    int port = KubeApiServer.freePort();
    Path log = apiServer.dir.resolve("triage-" + port + ".log");
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", Prerequisites.jar().toString(),
        "serve", "--host=127.0.0.1", "--port=" + port, "--metrics-port=" + KubeApiServer.freePort(),
        "--rules=" + rules,
        "--cert=" + pki.cert(), "--key=" + pki.key(),
        "--kubeconfig=" + kubeconfig));
    command.addAll(List.of(more));
    Process process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    return new TriageProcess(process, port, log);
  }

  void awaitReady(Pki pki) throws Exception {
    awaitReady(port, pki, () -> {
      if (!process.isAlive()) {
        throw new IllegalStateException("triage exited; see " + log);
      }
    });
  }

  /** Polls {@code https://127.0.0.1:port/readyz} until it answers 200, for up to 60 s. */
  static void awaitReady(int port, Pki pki, Runnable stillAlive) throws Exception {
    Https.awaitOk(Https.trusting(pki.caCert()), Https.get("https://127.0.0.1:" + port + "/readyz"),
        Duration.ofSeconds(60), stillAlive, "triage not ready on port " + port);
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
