package dev.triage.exceptions;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** How long exceptions have left, read on a clock: what lint, the listing and the daily reminder say. */
public final class Expiry {
  /** From this long before its expiry an exception is named every day. */
  public static final Duration NOTICE = Duration.ofDays(14);

  private final Clock clock;

  public Expiry(Clock clock) {
    this.clock = clock;
  }

  public long secondsLeft(PolicyException exception) {
    return Duration.between(clock.instant(), exception.expires()).toSeconds();
  }

  /** Whole days left, rounded down; negative once expired. */
  public long daysLeft(PolicyException exception) {
    return Math.floorDiv(secondsLeft(exception), Duration.ofDays(1).toSeconds());
  }

  /** One line for each exception that has expired or expires within {@link #NOTICE}, in file order. */
  public List<String> notices(PolicyExceptions exceptions) {
    Instant now = clock.instant();
    List<String> out = new ArrayList<>();
    for (PolicyException exception : exceptions.all()) {
      String head = exception.place() + ": Exception " + exception.name() + ": ";
      if (!exception.activeAt(now)) {
        out.add(head + "expired at " + exception.expiresAsWritten() + " and admits nothing any more:"
            + " delete it, or renew it with a new expires and justification");
      } else if (exception.expires().isBefore(now.plus(NOTICE))) {
        long days = daysLeft(exception);
        out.add(head + "expires at " + exception.expiresAsWritten() + " (" + (days == 0 ? "less than a day"
            : days + (days == 1 ? " day" : " days")) + " left); after that "
            + String.join(", ", exception.policies().stream().map(PolicyTarget::policy).toList())
            + " apply to its objects again");
      }
    }
    return out;
  }
}
