package dev.triage.certs.rotation;

import dev.triage.certs.KeyAlgorithm;
import java.time.Duration;
import java.util.List;

/**
 * How self-managed certificates are issued and when they change.
 *
 * @param dnsNames the names the apiserver connects to, e.g. {@code triage.triage-system.svc}
 * @param caValidity lifetime of each CA; a rollover starts when two thirds of it have passed
 * @param servingValidity lifetime of each serving certificate; renewed when two thirds have passed
 * @param propagation how long a published bundle is given to reach every apiserver before a
 *     serving certificate of the new CA is used
 * @param retirement how long after the switch the old CA stays trusted, so that every replica
 *     has picked up the new serving certificate before clients stop trusting the old one
 */
public record RotationPolicy(List<String> dnsNames, Duration caValidity, Duration servingValidity,
    Duration propagation, Duration retirement, KeyAlgorithm algorithm) {
  public static final String CA_COMMON_NAME = "Triage self-managed webhook CA";

  public RotationPolicy {
    dnsNames = List.copyOf(dnsNames);
    if (servingValidity.compareTo(caValidity.dividedBy(3)) > 0) {
      throw new IllegalArgumentException("a serving certificate (" + servingValidity + ") must fit in the last third"
          + " of the CA's lifetime (" + caValidity + "), which is when the next CA takes over");
    }
  }

  /** A year-long CA (rollover after eight months), 90-day serving certificates renewed after 60. */
  public static RotationPolicy defaults(List<String> dnsNames) {
    return new RotationPolicy(dnsNames, Duration.ofDays(365), Duration.ofDays(90), Duration.ofMinutes(2),
        Duration.ofMinutes(10), KeyAlgorithm.DEFAULT);
  }
}
