package dev.triage.certs.rotation;

import java.util.Optional;

/** What {@link Rotation} decided: the state to store next, if any, and why. */
public record Step(Optional<CertificateState> write, String reason) {
  static Step none() {
    return new Step(Optional.empty(), "nothing due");
  }

  static Step write(CertificateState state, String reason) {
    return new Step(Optional.of(state), reason);
  }
}
