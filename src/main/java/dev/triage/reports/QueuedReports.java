package dev.triage.reports;

import java.util.List;

/** Builds each workload's report and queues it on the writer, which applies it off the admission path. */
public final class QueuedReports implements ReportSink {
  private final ReportBuilder builder;
  private final ReportWriter writer;

  public QueuedReports(ReportBuilder builder, ReportWriter writer) {
    this.builder = builder;
    this.writer = writer;
  }

  @Override
  public void admitted(ReportSubject subject, List<RuleResult> results) {
    writer.submit(builder.build(subject, results));
  }

  @Override
  public void deleted(ReportSubject subject) {
    writer.delete(builder.reference(subject));
  }
}
