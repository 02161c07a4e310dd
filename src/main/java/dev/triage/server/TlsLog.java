package dev.triage.server;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/** One JSON line per certificate event: loaded, refused, about to expire. Never key material. */
public final class TlsLog {
  private final JsonLines lines;
  private final Clock clock;

  public TlsLog(PrintStream out, Clock clock) {
    this.lines = new JsonLines(out, clock);
    this.clock = clock;
  }

  void loaded(String source, String subject, Instant servingNotAfter, Optional<Instant> caNotAfter) {
    Instant now = clock.instant();
    lines.write(json -> {
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
    lines.write(json -> {
      json.writeStringField("event", "certificate.refused");
      json.writeStringField("level", "error");
      json.writeStringField("source", source);
      json.writeStringField("reason", reason);
      json.writeStringField("serving", "the previous certificate");
    });
  }

  /** A step of self-managed rotation, or a problem reaching the cluster. */
  public void rotation(String message) {
    lines.write(json -> {
      json.writeStringField("event", "certificate.rotation");
      json.writeStringField("message", message);
    });
  }

  void expiring(String which, Instant notAfter) {
    Instant now = clock.instant();
    lines.write(json -> {
      json.writeStringField("event", "certificate.expiring");
      json.writeStringField("level", "warning");
      json.writeStringField("certificate", which);
      json.writeStringField("notAfter", notAfter.toString());
      json.writeNumberField("secondsLeft", notAfter.getEpochSecond() - now.getEpochSecond());
    });
  }
}
