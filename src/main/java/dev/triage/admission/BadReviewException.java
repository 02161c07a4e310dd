package dev.triage.admission;

/**
 * A review the caller got wrong: answered with a 4xx and a one-line reason. The reason never
 * quotes the body, which may hold patient data.
 */
public final class BadReviewException extends Exception {
  private final int status;

  public BadReviewException(int status, String reason) {
    super(reason, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
