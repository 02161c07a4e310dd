package dev.triage.reports;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the report object for one workload: named after it, owned by it (so it goes when the
 * workload goes), one result per rule with a summary of the outcomes. What a report holds comes
 * from the {@link ReportSubject}'s names and the rules' results only.
 */
public final class ReportBuilder {
  /** The label every report Triage writes carries: what the writer lists and prunes. */
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  private static final int MAX_NAME = 253;

  private final ReportFlavor flavor;

  public ReportBuilder(ReportFlavor flavor) {
    this.flavor = flavor;
  }

  public Map<String, Object> build(ReportSubject subject, List<RuleResult> results) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", name(subject));
    if (!subject.namespace().isEmpty()) {
      metadata.put("namespace", subject.namespace());
    }
    metadata.put("labels", Map.of(MANAGED_BY, "triage"));
    if (!subject.uid().isEmpty()) {
      metadata.put("ownerReferences", List.of(Map.of("apiVersion", subject.apiVersion(), "kind", subject.kind(),
          "name", subject.name(), "uid", subject.uid())));
    }
    Map<String, Object> scope = new LinkedHashMap<>();
    scope.put("apiVersion", subject.apiVersion());
    scope.put("kind", subject.kind());
    scope.put("name", subject.name());
    if (!subject.namespace().isEmpty()) {
      scope.put("namespace", subject.namespace());
    }
    if (!subject.uid().isEmpty()) {
      scope.put("uid", subject.uid());
    }
    Map<RuleResult.Outcome, Long> counts = new EnumMap<>(RuleResult.Outcome.class);
    for (RuleResult.Outcome outcome : RuleResult.Outcome.values()) {
      counts.put(outcome, 0L);
    }
    List<Map<String, Object>> entries = new ArrayList<>();
    for (RuleResult result : results) {
      counts.merge(result.outcome(), 1L, Long::sum);
      entries.add(entry(result));
    }
    Map<String, Object> summary = new LinkedHashMap<>();
    counts.forEach((outcome, count) -> summary.put(outcome.wire(), count));

    Map<String, Object> report = new LinkedHashMap<>();
    report.put("apiVersion", flavor.apiVersion());
    report.put("kind", flavor.kind(subject.namespace()));
    report.put("metadata", metadata);
    report.put("scope", scope);
    report.put("summary", summary);
    report.put("results", entries);
    return report;
  }

  private static Map<String, Object> entry(RuleResult result) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("source", "triage");
    entry.put("policy", result.policy());
    if (!result.rule().isEmpty()) {
      entry.put("rule", result.rule());
    }
    entry.put("result", result.outcome().wire());
    entry.put("scored", true);
    String message = result.message();
    if (!result.exception().isEmpty()) {
      message = (message.isEmpty() ? "" : message + " ") + "(exception " + result.exception() + ")";
    }
    if (!message.isEmpty()) {
      entry.put("message", message);
    }
    entry.put("timestamp", Map.of("seconds", result.time().getEpochSecond(), "nanos", (long) result.time().getNano()));
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("mode", result.mode());
    properties.put("source", result.source().wire());
    if (!result.exception().isEmpty()) {
      properties.put("exception", result.exception());
    }
    entry.put("properties", properties);
    return entry;
  }

  /** The report's group, kind and names alone: enough to delete it. */
  public Map<String, Object> reference(ReportSubject subject) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", name(subject));
    if (!subject.namespace().isEmpty()) {
      metadata.put("namespace", subject.namespace());
    }
    Map<String, Object> reference = new LinkedHashMap<>();
    reference.put("apiVersion", flavor.apiVersion());
    reference.put("kind", flavor.kind(subject.namespace()));
    reference.put("metadata", metadata);
    return reference;
  }

  /** "deployment-notes-api": the kind keeps a Deployment's and a CronJob's reports apart. */
  static String name(ReportSubject subject) {
    String name = subject.kind().toLowerCase(Locale.ROOT) + "-" + subject.name();
    if (name.length() <= MAX_NAME) {
      return name;
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
      String suffix = "-" + HexFormat.of().formatHex(digest, 0, 5);
      return name.substring(0, MAX_NAME - suffix.length()) + suffix;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
