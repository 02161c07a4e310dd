package dev.triage.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** Triage as its container image, started by Testcontainers on podman, behind a real kube-apiserver. */
class ContainerIT extends AdmissionScenarios {
  @Override
  Triage start(KubeApiServer apiServer, Pki pki) throws Exception {
    return TriageContainer.start(apiServer, pki);
  }

  @Override
  String prefix() {
    return "container";
  }

  /**
   * The image's Java runtime writes its own warnings (Unsafe, native access) as plain text unless
   * told otherwise; a log pipeline that parses one JSON object per line would choke on them.
   */
  @Test
  @Order(Integer.MAX_VALUE - 2)
  void everyLineTheImageWritesIsJson() throws Exception {
    String logs = ((TriageContainer) triage).logs();
    ObjectMapper mapper = new ObjectMapper();
    int decisions = 0;
    for (String line : logs.lines().filter(line -> !line.isBlank()).toList()) {
      JsonNode parsed;
      try {
        parsed = mapper.readTree(line);
      } catch (Exception e) {
        parsed = null;
      }
      if (parsed == null || !parsed.isObject() || !parsed.hasNonNull("time")) {
        fail("not a JSON log line from the image: " + line);
      }
      decisions += "decision".equals(parsed.path("event").asText()) ? 1 : 0;
    }
    assertTrue(decisions > 0, "the image's log holds the reviews it decided: " + logs);
  }
}
