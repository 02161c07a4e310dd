package dev.triage.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects warnings within the limits kubectl and the apiserver keep: each under 120
 * characters, all together under 4 KiB; what does not fit is counted in a last line.
 */
final class Warnings {
  static final int MAX_LENGTH = 120;
  static final int MAX_TOTAL = 4096;

  private final List<String> kept = new ArrayList<>();
  private int total;
  private int dropped;

  void add(String warning) {
    String line = warning.length() < MAX_LENGTH ? warning : warning.substring(0, MAX_LENGTH - 2) + "…";
    if (total + line.length() > MAX_TOTAL - 40) {
      dropped++;
      return;
    }
    kept.add(line);
    total += line.length();
  }

  List<String> list() {
    if (dropped == 0) {
      return List.copyOf(kept);
    }
    List<String> out = new ArrayList<>(kept);
    out.add("… and " + dropped + " more");
    return List.copyOf(out);
  }
}
