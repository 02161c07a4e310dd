package dev.triage.server;

import dev.triage.admission.AdmissionRequest;
import dev.triage.admission.AdmissionResponse;
import dev.triage.admission.BadReviewException;
import dev.triage.admission.ReviewCodec;
import dev.triage.reports.ReportSink;
import dev.triage.reports.ReportSubject;
import dev.triage.reports.Results;
import dev.triage.reports.RuleResult;
import dev.triage.rules.Decision;
import dev.triage.rules.Engine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * AdmissionReview bytes in, AdmissionReview bytes out: parse, ask the engine, write. Knows
 * nothing of rule semantics; the engine decides.
 */
public final class ReviewHandler {
  private final Engine engine;
  private final DecisionLog log;
  private final Metrics metrics;
  private final Clock clock;
  private final ReportSink reports;

  /** @param reports where each decided /validate review's rule results go (policy reports) */
  public ReviewHandler(Engine engine, DecisionLog log, Metrics metrics, Clock clock, ReportSink reports) {
    this.engine = engine;
    this.log = log;
    this.metrics = metrics;
    this.clock = clock;
    this.reports = reports;
  }

  /** A handler that writes no reports (warm-up, tests). */
  public ReviewHandler(Engine engine, DecisionLog log, Metrics metrics, Clock clock) {
    this(engine, log, metrics, clock, ReportSink.OFF);
  }

  /** A handler whose metrics nobody scrapes. */
  public ReviewHandler(Engine engine, DecisionLog log, Clock clock) {
    this(engine, log, new Metrics(), clock);
  }

  /** Parses a review; a bad one is logged (reason only) and rethrown for a 4xx answer. */
  public AdmissionRequest parse(Endpoint endpoint, byte[] body) throws BadReviewException {
    try {
      return ReviewCodec.parse(body);
    } catch (BadReviewException e) {
      log.rejected(endpoint, e.status(), e.getMessage());
      metrics.rejected(endpoint);
      throw e;
    }
  }

  /**
   * The answer to a review that does not fit beside the bodies in flight: 429, so the apiserver
   * applies the webhook's failurePolicy now rather than a replica running out of memory. Logged and
   * counted once, without anything of the unread body.
   */
  Reply shed(Endpoint endpoint, long maxInflightBytes) {
    String reason = "too busy: the review bodies in flight on this replica would exceed " + maxInflightBytes
        + " bytes (--max-inflight-bytes); retry";
    log.shed(endpoint, reason);
    metrics.shed(endpoint);
    return Reply.reason(429, reason);
  }

  /** Publishes the bytes in flight as gauges. */
  void inflight(InflightBytes bytes) {
    metrics.inflightBytes(bytes::held, bytes.limit());
  }

  /** Decides a parsed review; the engine stops evaluating once {@code budget} has passed. */
  public Reply decide(Endpoint endpoint, AdmissionRequest request, Duration budget) {
    return decide(endpoint, request, budget, new Answer());
  }

  /** Decides a parsed review, or null when {@code answer} was already given (the deadline passed first). */
  Reply decide(Endpoint endpoint, AdmissionRequest request, Duration budget, Answer answer) {
    long started = System.nanoTime();
    Instant deadline = clock.instant().plus(budget);
    Decision decision = endpoint == Endpoint.VALIDATE
        ? engine.validate(request, deadline)
        : engine.mutate(request, deadline);
    long nanos = System.nanoTime() - started;
    if (!answer.claim()) {
      return null;
    }
    Map<String, String> outcomes = RuleOutcomes.of(decision);
    log.decided(endpoint, request, decision, outcomes, nanos);
    metrics.decided(endpoint, request, decision, outcomes, nanos);
    Reply reply = new Reply(200, ReviewCodec.write(request.uid(), decision.response()), true);
    if (endpoint == Endpoint.VALIDATE && reports != ReportSink.OFF) {
      report(request, decision);
    }
    return reply;
  }

  /**
   * Hands the workload's names and its rules' results to the reports; the sink only queues. Not for
   * a dry run (nothing is stored), a subresource, a denial (nothing was created or changed), or an
   * object a controller owns (a Deployment's Pods: the owner's report speaks for them).
   * A DELETE removes the workload's report, as does an update no rule applies to any longer.
   */
  private void report(AdmissionRequest request, Decision decision) {
    if (request.dryRun() || !request.subResource().isEmpty() || !decision.response().allowed()) {
      return;
    }
    if (ReportSubject.controlled(request.subject())) {
      return;
    }
    ReportSubject subject = ReportSubject.of(request.subject());
    if (subject.namespace().isEmpty() && !request.namespace().isEmpty()) {
      subject = new ReportSubject(subject.apiVersion(), subject.kind(), request.namespace(), subject.name(),
          subject.uid());
    }
    if (subject.kind().isEmpty() || subject.name().isEmpty()) {
      return;
    }
    List<RuleResult> results = Results.of(decision.results(), RuleResult.Source.ADMISSION, clock.instant());
    if (request.operation().equals("DELETE") || results.isEmpty() && request.operation().equals("UPDATE")) {
      reports.deleted(subject);
    } else if (!results.isEmpty()) {
      reports.admitted(subject, results);
      metrics.reported(results);
    }
  }

  /**
   * The answer when the engine did not finish in time: validation fails closed, mutation is
   * skipped (validation re-checks whatever mutation would have fixed).
   */
  Reply timedOut(Endpoint endpoint, AdmissionRequest request, Duration timeout, Answer answer) {
    if (!answer.claim()) {
      return null;
    }
    log.timedOut(endpoint, request);
    metrics.timedOut(endpoint, request);
    String uid = request.uid();
    String message = "Triage could not decide within " + timeout.toMillis() + " ms; try again";
    AdmissionResponse response = endpoint == Endpoint.VALIDATE
        ? new AdmissionResponse(false, 504, "Timeout", message, java.util.List.of(), java.util.Map.of(), null)
        : new AdmissionResponse(true, 200, "", "", java.util.List.of("triage: mutation skipped: " + message),
            java.util.Map.of(), null);
    return new Reply(200, ReviewCodec.write(uid, response), true);
  }

  /**
   * The answer when deciding threw: a defect of Triage's, not of the rule or the request. Logged
   * once as an error (the exception's class and where it arose, never its message, which may quote
   * the object), counted apart from timeouts, and answered 500 so that the apiserver applies the
   * webhook's failurePolicy.
   */
  Reply failed(Endpoint endpoint, AdmissionRequest request, Throwable cause, Answer answer) {
    if (!answer.claim()) {
      return null;
    }
    log.failed(endpoint, request, cause);
    metrics.failed(endpoint, request);
    return Reply.reason(500, "Triage failed to decide this review (an internal error, logged as review.failed)");
  }
}
