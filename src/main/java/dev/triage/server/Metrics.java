package dev.triage.server;

import dev.triage.admission.AdmissionRequest;
import dev.triage.exceptions.Expiry;
import dev.triage.exceptions.PolicyExceptions;
import dev.triage.reports.ReportWriter;
import dev.triage.reports.RuleResult;
import dev.triage.rules.Decision;
import dev.triage.rules.RuleSnapshot;
import dev.triage.scan.BackgroundScan;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Triage's Prometheus metrics: admission requests and their latency, what each rule decided in
 * which mode, evaluation errors, rule-set reloads, the cluster view's staleness and the serving
 * certificate's remaining lifetime. Label values come from the request's kind and operation and
 * the rules' names, never from object fields.
 */
public final class Metrics {
  /** Distinct kinds or operations kept as label values; more become "other", so a caller cannot grow the series. */
  private static final int MAX_LABEL_VALUES = 64;
  private static final Duration[] LATENCY_BUCKETS = {
      Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
      Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
      Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Set<String> labelValues = ConcurrentHashMap.newKeySet();
  private final AtomicInteger policies = new AtomicInteger();
  private final AtomicInteger ruleProblems = new AtomicInteger();
  private final Map<Endpoint, Timer> durations = new ConcurrentHashMap<>();
  /** Every review's counters, found by their labels without Micrometer building and sorting tags each time. */
  private final Map<List<String>, Counter> counters = new ConcurrentHashMap<>();
  private final MultiGauge exceptionExpiry = MultiGauge.builder("triage.exception.expiry").baseUnit("seconds")
      .description("seconds until the exception lapses; negative once it has").register(registry);

  public Metrics() {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    Gauge.builder("triage.rules.policies", policies, AtomicInteger::get)
        .description("policies in the rule set being served").register(registry);
    Gauge.builder("triage.rules.problems", ruleProblems, AtomicInteger::get)
        .description("rule files or policies that failed to load and are not being served").register(registry);
    for (String result : new String[] {"success", "failure"}) {
      reloads(result);
    }
  }

  /** @param outcomes what each matching policy did ({@link RuleOutcomes}) */
  void decided(Endpoint endpoint, AdmissionRequest request, Decision decision, Map<String, String> outcomes,
      long nanos) {
    String outcome = !decision.response().allowed() ? "denied"
        : decision.response().patch() != null ? "patched" : "allowed";
    requests(endpoint, request, outcome).increment();
    durations.computeIfAbsent(endpoint, e -> Timer.builder("triage.admission.duration")
        .description("time from a parsed AdmissionReview to its answer")
        .tag("endpoint", e.name().toLowerCase(Locale.ROOT))
        .serviceLevelObjectives(LATENCY_BUCKETS)
        .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
    String mode = decision.mode().label();
    for (Map.Entry<String, String> rule : outcomes.entrySet()) {
      counter(List.of("decisions", rule.getKey(), mode, rule.getValue()), () -> Counter.builder("triage.rule.decisions")
          .description("what each matching policy did, by the namespace's mode")
          .tags("policy", rule.getKey(), "mode", mode, "outcome", rule.getValue())).increment();
    }
    for (String policy : decision.errors()) {
      counter(List.of("errors", policy), () -> Counter.builder("triage.evaluation.errors")
          .description("policies with an expression that could not be evaluated")
          .tag("policy", policy)).increment();
    }
  }

  void timedOut(Endpoint endpoint, AdmissionRequest request) {
    requests(endpoint, request, "timeout").increment();
  }

  void failed(Endpoint endpoint, AdmissionRequest request) {
    requests(endpoint, request, "error").increment();
  }

  void rejected(Endpoint endpoint) {
    requests(endpoint, "", "", "rejected").increment();
  }

  void shed(Endpoint endpoint) {
    counter(List.of("shed", endpoint.name()), () -> Counter.builder("triage.requests.shed")
        .description("reviews answered 429, unread, because the bodies in flight would exceed --max-inflight-bytes")
        .tag("endpoint", endpoint.name().toLowerCase(Locale.ROOT))).increment();
  }

  /** The request body bytes being read, parsed or decided, and the most there may be. */
  void inflightBytes(LongSupplier held, long limit) {
    Gauge.builder("triage.inflight.body", held, LongSupplier::getAsLong).strongReference(true).baseUnit("bytes")
        .description("request body bytes being read, parsed or decided").register(registry);
    Gauge.builder("triage.inflight.body.limit", () -> limit).baseUnit("bytes")
        .description("the most request body bytes read, parsed or decided at once (--max-inflight-bytes)")
        .strongReference(true).register(registry);
  }

  /** The rule set now being served: how many policies, how many problems. */
  public void rulesLoaded(RuleSnapshot snapshot) {
    policies.set(snapshot.policyCount());
    ruleProblems.set(snapshot.errors().size());
  }

  /**
   * One {@code triage_exception_expiry_seconds{exception}} series per loaded exception: seconds
   * until it lapses, read at each scrape (negative once it has), so an alert needs no reload.
   * Exceptions no longer loaded drop out.
   */
  public void exceptionsLoaded(PolicyExceptions exceptions, Expiry expiry) {
    exceptionExpiry.register(exceptions.all().stream()
        .map(e -> MultiGauge.Row.of(Tags.of("exception", e.name()), () -> expiry.secondsLeft(e)))
        .toList(), true);
  }

  /** Counts a reload of the rules directory; a failed one left the previous rules in place. */
  public void reloaded(boolean succeeded) {
    reloads(succeeded ? "success" : "failure").increment();
  }

  /** 1 while the cluster view serves cached objects because its watch on the API server broke. */
  public void clusterViewStale(BooleanSupplier stale) {
    // Strong references: Micrometer holds a gauge's object weakly, and nothing else holds these lambdas.
    Gauge.builder("triage.cluster.view.stale", stale, s -> s.getAsBoolean() ? 1 : 0).strongReference(true)
        .description("1 while the cluster view has lost its watch and serves cached objects").register(registry);
  }

  /** Seconds until the serving certificate expires (NaN when not known). */
  public void certificateExpiry(DoubleSupplier secondsLeft) {
    Gauge.builder("triage.certificate.expiry", secondsLeft, DoubleSupplier::getAsDouble).strongReference(true)
        .description("seconds until the serving certificate expires").baseUnit("seconds").register(registry);
  }

  /**
   * Counts each rule result handed to the policy reports, by policy, result and source: the rate
   * of new failures per rule. The backlog itself (what fails now) is the reports; a gauge here
   * would only know the workloads this replica reviewed since it started.
   */
  void reported(List<RuleResult> results) {
    for (RuleResult result : results) {
      Counter.builder("triage.report.results")
          .description("rule results handed to the policy reports, by policy, result and source")
          .tags("policy", result.policy(), "result", result.outcome().wire(), "source", result.source().wire())
          .register(registry).increment();
    }
  }

  /** The report writer's counts, read at each scrape, and whether this replica is the one writing. */
  public void reportWriter(ReportWriter writer, LongSupplier pruned) {
    writerCounter("triage.reports.written", "reports applied to the API server", writer, c -> c.written());
    writerCounter("triage.reports.deleted", "reports deleted with their workload", writer, c -> c.deleted());
    writerCounter("triage.reports.failed", "report writes the API server did not take (retried)", writer,
        c -> c.failed());
    writerCounter("triage.reports.dropped", "queued report changes dropped because too many waited", writer,
        c -> c.dropped());
    FunctionCounter.builder("triage.reports.pruned", pruned, LongSupplier::getAsLong)
        .description("reports deleted because their workload was gone").register(registry);
    Gauge.builder("triage.reports.pending", writer, w -> w.counts().pending()).strongReference(true)
        .description("report changes waiting to be written").register(registry);
    Gauge.builder("triage.reports.leader", writer, w -> w.leading() ? 1 : 0).strongReference(true)
        .description("1 while this replica holds the reports Lease and writes").register(registry);
  }

  /** What the background scan has done: workloads reviewed, skipped (the rules or the writer failed), waiting. */
  public void backgroundScan(Supplier<BackgroundScan.Counts> counts) {
    FunctionCounter.builder("triage.scan.workloads", counts, c -> c.get().scanned())
        .description("workloads the background scan reviewed").register(registry);
    FunctionCounter.builder("triage.scan.skipped", counts, c -> c.get().failed())
        .description("workloads the background scan skipped because the rules or the report writer failed on them")
        .register(registry);
    Gauge.builder("triage.scan.pending", counts, c -> c.get().pending()).strongReference(true)
        .description("workloads waiting for the background scan").register(registry);
  }

  private void writerCounter(String name, String description, ReportWriter writer,
      ToDoubleFunction<ReportWriter.Counts> count) {
    FunctionCounter.builder(name, writer, w -> count.applyAsDouble(w.counts())).description(description)
        .register(registry);
  }

  /** The Prometheus text exposition of every metric. */
  public String scrape() {
    return registry.scrape();
  }

  private Counter reloads(String result) {
    return Counter.builder("triage.rule.reloads").description("reloads of the rules directory")
        .tag("result", result).register(registry);
  }

  private Counter requests(Endpoint endpoint, AdmissionRequest request, String decision) {
    return requests(endpoint, bounded(request.kind()), bounded(request.operation()), decision);
  }

  private Counter requests(Endpoint endpoint, String kind, String operation, String decision) {
    return counter(List.of("requests", endpoint.name(), kind, operation, decision),
        () -> Counter.builder("triage.admission.requests")
            .description("admission requests by endpoint, kind, operation and outcome")
            .tags("endpoint", endpoint.name().toLowerCase(Locale.ROOT), "kind", kind, "operation", operation,
                "decision", decision));
  }

  /** The counter {@code key} names, registered by {@code builder} the first time. */
  private Counter counter(List<String> key, Supplier<Counter.Builder> builder) {
    Counter counter = counters.get(key);
    return counter != null ? counter : counters.computeIfAbsent(key, k -> builder.get().register(registry));
  }

  private String bounded(String value) {
    if (labelValues.contains(value)) {
      return value;
    }
    if (labelValues.size() >= MAX_LABEL_VALUES) {
      return "other";
    }
    labelValues.add(value);
    return value;
  }
}
