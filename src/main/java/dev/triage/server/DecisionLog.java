package dev.triage.server;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.triage.admission.AdmissionRequest;
import dev.triage.rules.Decision;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;

/**
 * One JSON line per decision: who asked for what, what each matching rule did (see
 * {@link RuleOutcomes}), the namespace's mode, the patch size and how long it took. Never object
 * bodies, field values or denial messages, which may quote patient data.
 */
public final class DecisionLog {
  private final JsonLines lines;

  public DecisionLog(PrintStream out, Clock clock) {
    this.lines = new JsonLines(out, clock);
  }

  /** @param outcomes what each matching policy did ({@link RuleOutcomes}) */
  void decided(Endpoint endpoint, AdmissionRequest request, Decision decision, Map<String, String> outcomes,
      long nanos) {
    lines.write(json -> {
      json.writeStringField("event", "decision");
      fields(json, endpoint, request);
      json.writeBooleanField("allowed", decision.response().allowed());
      json.writeStringField("mode", decision.mode().label());
      json.writeObjectFieldStart("rules");
      for (Map.Entry<String, String> rule : outcomes.entrySet()) {
        json.writeStringField(rule.getKey(), rule.getValue());
      }
      json.writeEndObject();
      json.writeNumberField("warnings", decision.response().warnings().size());
      json.writeNumberField("patchBytes", decision.response().patch() == null ? 0 : decision.response().patch().length);
      json.writeNumberField("micros", nanos / 1_000);
    });
  }

  void rejected(Endpoint endpoint, int status, String reason) {
    lines.write(json -> {
      json.writeStringField("event", "rejected");
      json.writeStringField("endpoint", endpoint.path());
      json.writeNumberField("status", status);
      json.writeStringField("reason", reason);
    });
  }

  /** A review answered 429 because the bodies in flight would exceed the budget; unread, so nothing of it is known. */
  void shed(Endpoint endpoint, String reason) {
    lines.write(json -> {
      json.writeStringField("event", "shed");
      json.writeStringField("endpoint", endpoint.path());
      json.writeNumberField("status", 429);
      json.writeStringField("reason", reason);
    });
  }

  void timedOut(Endpoint endpoint, AdmissionRequest request) {
    lines.write(json -> {
      json.writeStringField("event", "timeout");
      fields(json, endpoint, request);
    });
  }

  /** A review Triage failed to decide: the exception's class and frames, never its message. */
  void failed(Endpoint endpoint, AdmissionRequest request, Throwable cause) {
    lines.write(json -> {
      json.writeStringField("event", "review.failed");
      json.writeStringField("level", "error");
      fields(json, endpoint, request);
      json.writeStringField("exception", cause.getClass().getName());
      json.writeArrayFieldStart("at");
      StackTraceElement[] frames = cause.getStackTrace();
      for (int i = 0; i < Math.min(frames.length, 12); i++) {
        json.writeString(frames[i].toString());
      }
      json.writeEndArray();
    });
  }

  private static void fields(JsonGenerator json, Endpoint endpoint, AdmissionRequest request) throws IOException {
    json.writeStringField("endpoint", endpoint.path());
    json.writeStringField("uid", request.uid());
    json.writeStringField("operation", request.operation());
    json.writeStringField("kind", request.kind());
    json.writeStringField("namespace", request.namespace());
    json.writeStringField("name", request.name());
    json.writeStringField("user", request.userName());
    json.writeBooleanField("dryRun", request.dryRun());
  }
}
