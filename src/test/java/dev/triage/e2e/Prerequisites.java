package dev.triage.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * What the end-to-end tests run: etcd, kube-apiserver v1.20.2, kubectl, podman. CI installs
 * them ({@code .ci/run}) and sets {@code TRIAGE_E2E=require}, which turns a missing one into a
 * failure; elsewhere the tests that need it are skipped with a message naming the gap.
 */
final class Prerequisites {
  static final Path PROJECT = Path.of("").toAbsolutePath();
  static final Path JAR = PROJECT.resolve("target/triage.jar");

  private Prerequisites() {}

  static Path kubeApiServer() {
    Path cached = Path.of(System.getenv().getOrDefault("TRIAGE_CACHE",
        System.getProperty("user.home") + "/.cache/triage"), "kube-apiserver-v1.20.2-reflect2-1.0.2");
    Path given = Optional.ofNullable(System.getenv("TRIAGE_KUBE_APISERVER")).map(Path::of).orElse(cached);
    return require(given, "kube-apiserver v1.20.2 (build it with .ci/kube-apiserver)");
  }

  static Path onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path candidate = Path.of(dir, command);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return require(Path.of(command), command + " on PATH");
  }

  static Path jar() {
    return require(JAR, "target/triage.jar (mvn package)");
  }

  /** Fails under {@code TRIAGE_E2E=require}; otherwise skips the test. */
  static void missing(String what) {
    String message = "end-to-end prerequisite missing: " + what + " — .ci/run installs it";
    if ("require".equals(System.getenv("TRIAGE_E2E"))) {
      fail(message);
    }
    Assumptions.abort(message);
  }

  private static Path require(Path path, String what) {
    if (!Files.isExecutable(path) && !Files.isRegularFile(path)) {
      missing(what + " at " + path);
    }
    return path;
  }
}
