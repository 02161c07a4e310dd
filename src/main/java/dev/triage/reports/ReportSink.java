package dev.triage.reports;

import java.util.List;

/**
 * Where the webhook hands what a review concluded about a workload, after its answer: the
 * workload's names and its rules' results, nothing else of the object.
 */
public interface ReportSink {
  /** Writes no reports: without a cluster to write to, with {@code --reports=off}, and in warm-up. */
  ReportSink OFF = new ReportSink() {
    @Override
    public void admitted(ReportSubject subject, List<RuleResult> results) {}

    @Override
    public void deleted(ReportSubject subject) {}
  };

  /** The workload was created or updated with these results: its report now lists them. */
  void admitted(ReportSubject subject, List<RuleResult> results);

  /** The workload is being deleted (or no rule applies to it any longer): its report goes. */
  void deleted(ReportSubject subject);
}
