package dev.triage.server;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.triage.admission.ReviewCodec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;

/**
 * Formats java.util.logging records (Triage's System.Logger lines and the client library's SLF4J
 * lines) as one JSON object per line, like the decision log, so one log pipeline parses both:
 * {@code time}, {@code level}, {@code logger}, {@code message}, and {@code error} with the stack
 * trace when a record carries an exception.
 */
public final class JsonLogFormatter extends Formatter {
  /** Makes every handler of the root logger write JSON lines. */
  public static void install() {
    for (Handler handler : LogManager.getLogManager().getLogger("").getHandlers()) {
      handler.setFormatter(new JsonLogFormatter());
    }
  }

  @Override
  public String format(LogRecord record) {
    StringWriter line = new StringWriter(256);
    try (JsonGenerator json = ReviewCodec.json().createGenerator(line)) {
      json.writeStartObject();
      json.writeStringField("time", record.getInstant().toString());
      json.writeStringField("level", record.getLevel().getName());
      json.writeStringField("logger", record.getLoggerName());
      json.writeStringField("message", formatMessage(record));
      if (record.getThrown() != null) {
        StringWriter trace = new StringWriter();
        record.getThrown().printStackTrace(new PrintWriter(trace));
        json.writeStringField("error", trace.toString());
      }
      json.writeEndObject();
    } catch (IOException e) {
      return "{\"level\":\"SEVERE\",\"message\":\"a log record could not be formatted\"}" + System.lineSeparator();
    }
    return line + System.lineSeparator();
  }
}
