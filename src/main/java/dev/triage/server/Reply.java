package dev.triage.server;

/** An HTTP answer: an AdmissionReview (200) or a one-line reason (4xx). */
public record Reply(int status, byte[] body, boolean json) {
  static Reply reason(int status, String reason) {
    return new Reply(status, (reason + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8), false);
  }
}
