package dev.triage.bench;

import dev.triage.rules.RuleSnapshot;
import dev.triage.server.Endpoint;
import dev.triage.server.ReviewHandler;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A whole review through the engine with every shipped rule: parse, match, evaluate, patch,
 * decision log line, response bytes. No HTTP, no TLS, one thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ReviewBenchmark {
  @Param({"pod-2k", "deployment-5k", "deployment-100k"})
  public String review;

  @Param({"validate", "mutate"})
  public String endpoint;

  /** {@code compiled}, or {@code interpreter}: dev.cel's interpreter on every expression, the runtime before. */
  @Param({"compiled"})
  public String runtime;

  private ReviewHandler handler;
  private Endpoint path;
  private byte[] body;

  @Setup
  public void setUp() throws Exception {
    RuleSnapshot rules = Fixtures.load(Fixtures.rules(), runtime);
    handler = Fixtures.handler(rules);
    path = Endpoint.valueOf(endpoint.toUpperCase(java.util.Locale.ROOT));
    body = Fixtures.review(review, path);
    Fixtures.admit(handler, path, body); // fail fast on a bad review
  }

  @Benchmark
  public byte[] admit(CpuTime cpu) throws Exception {
    cpu.reviews++;
    return Fixtures.admit(handler, path, body);
  }
}
