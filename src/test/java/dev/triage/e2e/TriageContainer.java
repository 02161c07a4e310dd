package dev.triage.e2e;

import java.nio.file.Path;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * Triage as its container image ({@code Containerfile}, built by {@code .ci/images}), started
 * by Testcontainers on podman: non-root, read-only root filesystem, on the host network so the
 * API server on loopback and Triage reach each other as they would on one node.
 */
final class TriageContainer implements Triage {
  static final String IMAGE = System.getenv().getOrDefault("TRIAGE_IMAGE", "localhost/triage:e2e");

  private final GenericContainer<?> container;
  private final int port;

  private TriageContainer(GenericContainer<?> container, int port) {
    this.container = container;
    this.port = port;
  }

  static TriageContainer start(KubeApiServer apiServer, Pki pki) throws Exception {
    if (!DockerClientFactory.instance().isDockerAvailable()) {
      Prerequisites.missing("a container engine at DOCKER_HOST (podman system service; see .ci/podman-env)");
    }
    int port = KubeApiServer.freePort();
    @SuppressWarnings("resource")
    GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(IMAGE))
        .withImagePullPolicy(image -> false)
        .withNetworkMode("host")
        .withCopyFileToContainer(readable(pki.cert()), "/tls/tls.crt")
        .withCopyFileToContainer(readable(pki.key()), "/tls/tls.key")
        .withCopyFileToContainer(readable(apiServer.triageKubeconfig), "/kube/config")
        .withCopyFileToContainer(readable(apiServer.caCert), apiServer.caCert.toString())
        .withCommand("serve", "--host=127.0.0.1", "--port=" + port, "--metrics-port=" + KubeApiServer.freePort(),
            "--rules=/opt/triage/rules",
            "--cert=/tls/tls.crt", "--key=/tls/tls.key", "--kubeconfig=/kube/config")
        .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withReadonlyRootfs(true));
    container.start();
    try {
      TriageProcess.awaitReady(port, pki, () -> {
        if (!container.isRunning()) {
          throw new IllegalStateException("triage container exited");
        }
      });
    } catch (IllegalStateException e) {
      String logs = container.getLogs();
      container.stop();
      throw new IllegalStateException(e.getMessage() + "; its log:\n" + logs, e);
    }
    return new TriageContainer(container, port);
  }

  /** The container runs as uid 65532: the copies must be readable by it. */
  private static MountableFile readable(Path file) {
    return MountableFile.forHostPath(file, 0444);
  }

  String logs() {
    return container.getLogs();
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public void close() {
    container.stop();
  }
}
