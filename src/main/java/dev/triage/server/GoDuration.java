package dev.triage.server;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the Go duration the apiserver puts in {@code ?timeout=} ("10s", "1m30s", "500ms"). */
public final class GoDuration {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

  private GoDuration() {}

  /** The duration, or null when the text is not a positive Go duration. */
  public static Duration parse(String text) {
    if (text == null || text.isEmpty() || text.length() > 32) {
      return null;
    }
    Matcher m = PART.matcher(text);
    double nanos = 0;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        return null;
      }
      end = m.end();
      double value = Double.parseDouble(m.group(1));
      nanos += value * switch (m.group(2)) {
        case "ns" -> 1;
        case "us", "µs" -> 1e3;
        case "ms" -> 1e6;
        case "s" -> 1e9;
        case "m" -> 60e9;
        default -> 3600e9;
      };
    }
    return end == text.length() && nanos > 0 ? Duration.ofNanos((long) nanos) : null;
  }
}
