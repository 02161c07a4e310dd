package dev.triage.server;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.triage.admission.ReviewCodec;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/** One JSON line per certificate event: loaded, refused, about to expire. Never key material. */
public final class TlsLog {
  private final PrintStream out;
  private final Clock clock;

  public TlsLog(PrintStream out, Clock clock) {
    this.out = out;
    this.clock = clock;
  }

  void loaded(String source, String subject, Instant servingNotAfter, Optional<Instant> caNotAfter) {
    Instant now = clock.instant();
    write(json -> {
      json.writeStringField("event", "certificate.loaded");
      json.writeStringField("source", source);
      json.writeStringField("subject", subject);
      json.writeStringField("notAfter", servingNotAfter.toString());
      json.writeNumberField("secondsLeft", servingNotAfter.getEpochSecond() - now.getEpochSecond());
      if (caNotAfter.isPresent()) {
        json.writeStringField("caNotAfter", caNotAfter.get().toString());
        json.writeNumberField("caSecondsLeft", caNotAfter.get().getEpochSecond() - now.getEpochSecond());
      }
    });
  }

  void refused(String source, String reason) {
    write(json -> {
      json.writeStringField("event", "certificate.refused");
      json.writeStringField("level", "error");
      json.writeStringField("source", source);
      json.writeStringField("reason", reason);
      json.writeStringField("serving", "the previous certificate");
    });
  }

  /** A step of self-managed rotation, or a problem reaching the cluster. */
  public void rotation(String message) {
    write(json -> {
      json.writeStringField("event", "certificate.rotation");
      json.writeStringField("message", message);
    });
  }

  void expiring(String which, Instant notAfter) {
    Instant now = clock.instant();
    write(json -> {
      json.writeStringField("event", "certificate.expiring");
      json.writeStringField("level", "warning");
      json.writeStringField("certificate", which);
      json.writeStringField("notAfter", notAfter.toString());
      json.writeNumberField("secondsLeft", notAfter.getEpochSecond() - now.getEpochSecond());
    });
  }

  private interface Fields {
    void write(JsonGenerator json) throws IOException;
  }

  private void write(Fields fields) {
    StringWriter line = new StringWriter(256);
    try (JsonGenerator json = ReviewCodec.json().createGenerator(line)) {
      json.writeStartObject();
      json.writeStringField("time", clock.instant().toString());
      fields.write(json);
      json.writeEndObject();
    } catch (IOException e) {
      return; // a log line that cannot be formatted is dropped
    }
    out.println(line);
  }
}
