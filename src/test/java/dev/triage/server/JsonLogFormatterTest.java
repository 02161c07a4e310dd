package dev.triage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;
import org.junit.jupiter.api.Test;

/** Log records, as Triage and the client library emit them, become one JSON object per line. */
class JsonLogFormatterTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aRecordWithParametersAndAnExceptionIsOneJsonLine() throws Exception {
    LogRecord record = new LogRecord(Level.WARNING, "cluster view is stale since {0}; {1} objects cached");
    record.setLoggerName("dev.triage.cluster.LiveClusterView");
    record.setParameters(new Object[] {"08:00", 12});
    record.setThrown(new IllegalStateException("watch closed\nby the server"));
    String line = new JsonLogFormatter().format(record);
    assertTrue(line.endsWith(System.lineSeparator()));
    assertEquals(1, line.strip().lines().count(), "a stack trace stays inside the one line: " + line);
    JsonNode json = JSON.readTree(line);
    assertEquals("WARNING", json.path("level").asText());
    assertEquals("dev.triage.cluster.LiveClusterView", json.path("logger").asText());
    assertEquals("cluster view is stale since 08:00; 12 objects cached", json.path("message").asText());
    assertTrue(json.path("error").asText().startsWith("java.lang.IllegalStateException: watch closed"));
    assertFalse(json.path("time").asText().isEmpty());
  }

  @Test
  void loggersWriteJsonThroughAHandlerUsingIt() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StreamHandler handler = new StreamHandler(out, new JsonLogFormatter());
    Logger logger = Logger.getLogger("dev.triage.test.JsonLogFormatterTest");
    logger.setUseParentHandlers(false);
    logger.addHandler(handler);
    try {
      logger.info("rules loaded");
      handler.flush();
    } finally {
      logger.removeHandler(handler);
    }
    JsonNode json = JSON.readTree(out.toString(StandardCharsets.UTF_8));
    assertEquals("INFO", json.path("level").asText());
    assertEquals("rules loaded", json.path("message").asText());
  }
}
