package dev.triage.server;

import dev.triage.rules.RuleError;
import dev.triage.rules.RuleSnapshot;
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

  /** An exception that has lapsed or lapses within two weeks: said at start and daily. */
  public void exceptionExpiry(String notice) {
    lines.write(json -> {
      json.writeStringField("event", "exception.expiry");
      json.writeStringField("level", "warn");
      json.writeStringField("message", notice);
    });
  }

  public void listening(String url, RuleSnapshot snapshot, Path rules, String extras) {
    RuleSnapshot.Runtimes runtimes = snapshot.runtimes();
    lines.write(json -> {
      json.writeStringField("event", "listening");
      json.writeStringField("url", url);
      json.writeNumberField("policies", snapshot.policyCount());
      json.writeNumberField("problems", snapshot.errors().size());
      json.writeNumberField("compiledExpressions", runtimes.compiled());
      json.writeNumberField("interpretedExpressions", runtimes.interpreted());
      json.writeStringField("message", "Triage listening on " + url + " with " + snapshot.policyCount()
          + " policies from " + rules + " (" + snapshot.errors().size() + " problems; " + runtimes + ")" + extras);
    });
  }

  /** The rules could not be compiled at start: the server stays up, never ready. */
  public void rulesFailed(Path rules, String failure) {
    lines.write(json -> {
      json.writeStringField("event", "rules.failed");
      json.writeStringField("level", "error");
      json.writeStringField("message", "the rules from " + rules + " could not be compiled: " + failure
          + "; not ready until restarted with rules that compile");
    });
  }

  public void rulesReloaded(Path rules, RuleSnapshot snapshot) {
    RuleSnapshot.Runtimes runtimes = snapshot.runtimes();
    lines.write(json -> {
      json.writeStringField("event", "rules.reloaded");
      json.writeNumberField("policies", snapshot.policyCount());
      json.writeNumberField("problems", snapshot.errors().size());
      json.writeNumberField("compiledExpressions", runtimes.compiled());
      json.writeNumberField("interpretedExpressions", runtimes.interpreted());
      json.writeStringField("message", "rules reloaded from " + rules + ": " + snapshot.policyCount() + " policies ("
          + snapshot.errors().size() + " problems; " + runtimes + ")");
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

  void warmedUp(WarmUp.Result result) {
    lines.write(json -> {
      json.writeStringField("event", "warm-up");
      json.writeStringField("phase", result.phase());
      json.writeNumberField("objects", result.objects());
      json.writeNumberField("engineReviews", result.engineReviews());
      json.writeNumberField("serverReviews", result.serverReviews());
      json.writeNumberField("millis", result.millis());
      json.writeStringField("message", "warm-up (" + result.phase() + "): " + result.engineReviews() + " reviews of "
          + result.objects() + " objects through the engine, " + result.serverReviews()
          + " over loopback TLS, in " + result.millis() + " ms");
    });
  }

  void warmUpFailed(String phase, String reason) {
    lines.write(json -> {
      json.writeStringField("event", "warm-up.failed");
      json.writeStringField("level", "warning");
      json.writeStringField("phase", phase);
      json.writeStringField("message", "warm-up (" + phase + ") stopped early, the server serves all the same: "
          + reason);
    });
  }
}
