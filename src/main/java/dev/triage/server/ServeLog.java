package dev.triage.server;

import dev.triage.rules.RuleError;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * {@code serve}'s own story as JSON lines, like the decision and certificate lines: where it
 * listens, what the rules loaded or why an edit was rejected, how it stops. Each line carries an
 * {@code event} and a {@code message} a person can read.
 */
public final class ServeLog {
  private final JsonLines lines;

  public ServeLog(PrintWriter out, Clock clock) {
    this.lines = new JsonLines(out, clock);
  }

  public void developmentCertificates(Path dir, Path caCert) {
    lines.write(json -> {
      json.writeStringField("event", "certificate.development");
      json.writeStringField("message", "development certificates in " + dir + "; trust the CA with: curl --cacert "
          + caCert + " ...");
    });
  }

  public void unservable(Path cert, Path key, String reason) {
    lines.write(json -> {
      json.writeStringField("event", "certificate.unservable");
      json.writeStringField("level", "error");
      json.writeStringField("message", "cannot serve with " + cert + " and " + key + ": " + reason);
    });
  }

  /** One line per problem, with the place an editor jumps to. */
  public void ruleProblems(List<RuleError> errors) {
    for (RuleError error : errors) {
      lines.write(json -> {
        json.writeStringField("event", "rules.problem");
        json.writeStringField("level", "error");
        json.writeStringField("file", error.file());
        json.writeNumberField("line", error.position().line());
        json.writeNumberField("column", error.position().column());
        json.writeStringField("message", error.toString());
      });
    }
  }

  public void listening(String url, int policies, Path rules, int problems, String extras) {
    lines.write(json -> {
      json.writeStringField("event", "listening");
      json.writeStringField("url", url);
      json.writeNumberField("policies", policies);
      json.writeNumberField("problems", problems);
      json.writeStringField("message", "Triage listening on " + url + " with " + policies + " policies from " + rules
          + " (" + problems + " problems)" + extras);
    });
  }

  public void rulesReloaded(Path rules, int policies, int problems) {
    lines.write(json -> {
      json.writeStringField("event", "rules.reloaded");
      json.writeNumberField("policies", policies);
      json.writeNumberField("problems", problems);
      json.writeStringField("message", "rules reloaded from " + rules + ": " + policies + " policies (" + problems
          + " problems)");
    });
  }

  public void rulesRejected(List<RuleError> errors, long rejections) {
    ruleProblems(errors);
    lines.write(json -> {
      json.writeStringField("event", "rules.rejected");
      json.writeStringField("level", "error");
      json.writeNumberField("rejections", rejections);
      json.writeStringField("message", "rules edit rejected (" + rejections + " so far): " + errors.size()
          + " new problems; the last good rules keep serving");
    });
  }

  public void stopping(Duration delay, Duration timeout) {
    lines.write(json -> {
      json.writeStringField("event", "stopping");
      json.writeStringField("message", "stopping: not ready, answering for " + delay.toMillis()
          + " ms more, then up to " + timeout.toMillis() + " ms for reviews in flight");
    });
  }

  public void stopped() {
    lines.write(json -> {
      json.writeStringField("event", "stopped");
      json.writeStringField("message", "stopped");
    });
  }

  /** A line of another part of serve: an event name and what to tell the operator. */
  void event(String event, JsonLines.Fields fields) {
    lines.write(json -> {
      json.writeStringField("event", event);
      fields.write(json);
    });
  }
}
