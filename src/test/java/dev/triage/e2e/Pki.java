package dev.triage.e2e;

import dev.triage.certs.DevCertificates;
import java.nio.file.Path;
import java.time.Clock;

/** Triage's serving certificate for 127.0.0.1, and the CA the webhook registrations trust. */
record Pki(Path caCert, Path cert, Path key) {
  static Pki in(Path dir) throws Exception {
    DevCertificates.Paths paths = DevCertificates.ensure(dir, Clock.systemUTC());
    return new Pki(paths.caCert(), paths.cert(), paths.key());
  }
}
