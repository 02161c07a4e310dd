package dev.triage.certs.rotation;

/** Another replica changed the object since it was read (HTTP 409): read again and start over. */
public final class ConflictException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConflictException(String message) {
    super(message);
  }
}
