package dev.triage.bench;

import dev.triage.rules.RuleSnapshot;
import dev.triage.server.Endpoint;
import dev.triage.server.ReviewHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One shipped rule alone (with the settings it reads) on the 5 KB Deployment: /mutate for a
 * mutating policy, /validate for a validating one. The parse and response cost is in every row;
 * {@code baseline} (no rules) shows how much that is.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RuleBenchmark {
  /** File names under rules/ without .yaml; bench/run passes the current list with -p rule=... */
  @Param({"baseline", "default-probes", "default-resources", "default-security-context", "mesh-sidecar-label",
      "require-mesh-mtls", "require-pdb", "require-probes-and-resources", "restricted-security-context",
      "safe-pdb", "vault-secrets-only"})
  public String rule;

  @Param({"deployment-5k"})
  public String review;

  private Path directory;
  private ReviewHandler handler;
  private Endpoint path;
  private byte[] body;

  @Setup
  public void setUp() throws Exception {
    directory = Files.createTempDirectory("triage-rule-bench");
    if (!rule.equals("baseline")) {
      Path file = Fixtures.rules().resolve(rule + ".yaml");
      Files.copy(file, directory.resolve(rule + ".yaml"));
      // The settings load only beside a policy that takes them as params.
      if (Files.readString(file).contains("paramKind:")) {
        Files.copy(Fixtures.rules().resolve("settings.yaml"), directory.resolve("settings.yaml"));
      }
    }
    RuleSnapshot rules = Fixtures.load(directory);
    handler = Fixtures.handler(rules);
    path = rules.mutating().isEmpty() ? Endpoint.VALIDATE : Endpoint.MUTATE;
    body = Fixtures.review(review, path);
    Fixtures.admit(handler, path, body);
  }

  @TearDown
  public void tearDown() throws Exception {
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }

  @Benchmark
  public byte[] admit(CpuTime cpu) throws Exception {
    cpu.reviews++;
    return Fixtures.admit(handler, path, body);
  }
}
