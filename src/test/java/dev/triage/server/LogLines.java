package dev.triage.server;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/** What Triage writes, read as a log pipeline reads it: one JSON object with a time per line. */
public final class LogLines {
  private static final ObjectMapper JSON = new ObjectMapper();

  private LogLines() {}

  /** Every non-blank line of {@code text}, parsed; fails the test at the first that is not a JSON log line. */
  public static List<JsonNode> parse(String text, String source) {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : text.lines().filter(line -> !line.isBlank()).toList()) {
      JsonNode parsed;
      try {
        parsed = JSON.readTree(line);
      } catch (Exception e) {
        parsed = null;
      }
      if (parsed == null || !parsed.isObject() || !parsed.hasNonNull("time")) {
        fail("not a JSON log line in " + source + ": " + line);
      }
      lines.add(parsed);
    }
    return lines;
  }
}
