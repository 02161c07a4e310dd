package dev.triage.exceptions;

import dev.triage.yaml.Position;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One {@code kind: Exception} document: which rules it lifts, for which objects, why, and until
 * when. It applies only before {@code expires}; nothing has to reload for it to lapse.
 *
 * @param expiresAsWritten the {@code expires} value as the file spells it, for messages
 * @param approvedBy empty when not given
 * @param ticket empty when not given
 */
public record PolicyException(String name, String file, Position position, List<PolicyTarget> policies,
    ObjectMatch match, String justification, Instant expires, String expiresAsWritten, String approvedBy,
    String ticket) {

  /** Whether this exception still applies at {@code now}. */
  public boolean activeAt(Instant now) {
    return now.isBefore(expires);
  }

  /** The part of this exception that names {@code policy}, if any. */
  public Optional<PolicyTarget> target(String policy) {
    return policies.stream().filter(t -> t.policy().equals(policy)).findFirst();
  }

  /** {@code rules/exceptions/scanner.yaml:4:9}, as errors and listings name it. */
  public String place() {
    return file + ":" + position;
  }
}
