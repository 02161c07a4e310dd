package dev.triage.server;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.triage.admission.ReviewCodec;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.util.function.Consumer;

/** Log lines as JSON objects, each opening with its time. */
final class JsonLines {
  /** Writes one line's fields after {@code time}. */
  interface Fields {
    void write(JsonGenerator json) throws IOException;
  }

  private final Consumer<String> out;
  private final Clock clock;

  JsonLines(PrintStream out, Clock clock) {
    this.out = out::println;
    this.clock = clock;
  }

  /** Lines to a writer, flushed one by one: picocli's standard error, for instance. */
  JsonLines(PrintWriter out, Clock clock) {
    this.out = line -> {
      out.println(line);
      out.flush();
    };
    this.clock = clock;
  }

  /** A line that cannot be formatted is dropped, never the work it reports on. */
  void write(Fields fields) {
    StringWriter line = new StringWriter(256);
    try (JsonGenerator json = ReviewCodec.json().createGenerator(line)) {
      json.writeStartObject();
      json.writeStringField("time", clock.instant().toString());
      fields.write(json);
      json.writeEndObject();
    } catch (IOException e) {
      return;
    }
    out.accept(line.toString());
  }
}
