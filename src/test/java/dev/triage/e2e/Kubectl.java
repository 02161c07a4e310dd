package dev.triage.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** kubectl, run as a user runs it, against the end-to-end API server as its administrator. */
final class Kubectl {
  /** What one kubectl run printed, and how it ended. */
  record Result(int exit, String out, String err) {
    boolean ok() {
      return exit == 0;
    }

    /** Everything kubectl printed, for assertion messages. */
    String printed() {
      return "exit " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
    }
  }

  private final Path kubeconfig;
  private final Path cacheDir;

  Kubectl(KubeApiServer apiServer) {
    this.kubeconfig = apiServer.adminKubeconfig;
    this.cacheDir = apiServer.dir.resolve("kubectl-cache");
  }

  Result run(String... args) {
    return withInput(null, args);
  }

  /** Runs kubectl with {@code stdin} (for {@code -f -}) and the given arguments. */
  Result withInput(String stdin, String... args) {
    List<String> command = new ArrayList<>(List.of("kubectl", "--kubeconfig=" + kubeconfig,
        "--cache-dir=" + cacheDir));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).start();
      CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
      CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
      try (var in = process.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("kubectl " + String.join(" ", args) + " did not finish within 60 s");
      }
      return new Result(process.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new IllegalStateException("cannot run kubectl", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Applies manifests given as text to a namespace. */
  Result apply(String namespace, String manifests, String... extra) {
    List<String> args = new ArrayList<>(List.of("apply", "-n", namespace, "-f", "-"));
    args.addAll(List.of(extra));
    return withInput(manifests, args.toArray(String[]::new));
  }

  private static String read(java.io.InputStream stream) {
    try (stream) {
      return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
