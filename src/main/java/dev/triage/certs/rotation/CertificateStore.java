package dev.triage.certs.rotation;

import java.util.Optional;

/** Where the state lives (a Secret), written with optimistic concurrency. */
public interface CertificateStore {
  /** The state and the version it was read at (a resourceVersion). */
  record Versioned(CertificateState state, String version) {}

  Optional<Versioned> read();

  /**
   * Stores {@code state} if the stored version is still {@code expected} (empty: nothing stored yet).
   *
   * @throws ConflictException if another writer got there first
   */
  Versioned write(CertificateState state, Optional<String> expected);
}
