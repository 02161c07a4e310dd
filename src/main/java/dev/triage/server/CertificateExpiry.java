package dev.triage.server;

import dev.triage.certs.PemFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/** Seconds left on the serving certificate, read from its file each time (it may be replaced). */
public final class CertificateExpiry {
  private CertificateExpiry() {}

  /** The first certificate's remaining lifetime in seconds (negative once expired); NaN if unreadable. */
  public static double secondsLeft(Path certificate, Clock clock) {
    try {
      var chain = PemFiles.readCertificates(certificate);
      if (chain.isEmpty()) {
        return Double.NaN;
      }
      return Duration.between(clock.instant(), chain.get(0).getNotAfter().toInstant()).toSeconds();
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }
}
