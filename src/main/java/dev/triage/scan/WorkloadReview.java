package dev.triage.scan;

import dev.triage.admission.AdmissionRequest;
import dev.triage.admission.ManifestRequests;
import dev.triage.reports.ReportBuilder;
import dev.triage.reports.ReportSubject;
import dev.triage.reports.Results;
import dev.triage.reports.RuleResult;
import dev.triage.rules.Engine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * One stored object, reviewed as admission would review an UPDATE that changes nothing (the
 * object is its own old object, sent by Triage's service account), into its report.
 */
final class WorkloadReview {
  private final Engine engine;
  private final ReportBuilder reports;
  private final Map<String, Object> userInfo;
  private final Duration timeout;
  private final Clock clock;

  /**
   * @param userInfo the AdmissionReview {@code userInfo} of Triage's own service account
   * @param timeout how long the rules may take on one object, as a webhook's timeoutSeconds
   */
  WorkloadReview(Engine engine, ReportBuilder reports, Map<String, Object> userInfo, Duration timeout, Clock clock) {
    this.engine = engine;
    this.reports = reports;
    this.userInfo = Map.copyOf(userInfo);
    this.timeout = timeout;
    this.clock = clock;
  }

  Map<String, Object> report(Map<String, Object> object) {
    AdmissionRequest request = ManifestRequests.of(object, object, "UPDATE", "", userInfo);
    Instant now = clock.instant();
    Engine.Review review = engine.review(request, now.plus(timeout));
    return reports.build(ReportSubject.of(object), Results.of(review.results(), RuleResult.Source.BACKGROUND, now));
  }
}
