package dev.triage.certs;

/**
 * Certificate or key material that cannot be used: unreadable PEM, the wrong kind of object, a key
 * that does not belong to its certificate, or a certificate outside its validity period. The
 * message is written for the person who supplied the files and says what to change.
 */
public final class TlsMaterialException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TlsMaterialException(String message) {
    super(message);
  }

  public TlsMaterialException(String message, Throwable cause) {
    super(message, cause);
  }
}
