package dev.triage.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.triage.server.LogLines;
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
  void everyLineTheImageWritesIsJson() {
    String logs = ((TriageContainer) triage).logs();
    long decisions = LogLines.parse(logs, "the container's log").stream()
        .filter(line -> "decision".equals(line.path("event").asText()))
        .count();
    assertTrue(decisions > 0, "the image's log holds the reviews it decided: " + logs);
  }
}
