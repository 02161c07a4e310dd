package dev.triage.offline;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Whether an object has every field an expectation names (lists compared entry by entry). */
final class Subset {
  private Subset() {}

  /** Null when {@code actual} contains {@code expected}, else the first path that differs. */
  static String difference(Object expected, Object actual, String path) {
    if (expected instanceof Map<?, ?> want) {
      if (!(actual instanceof Map<?, ?> have)) {
        return path.isEmpty() ? "object is not a map" : path + ": missing or not an object";
      }
      for (Map.Entry<?, ?> e : want.entrySet()) {
        String at = path + "/" + e.getKey();
        if (!have.containsKey(e.getKey())) {
          return at + ": missing";
        }
        String problem = difference(e.getValue(), have.get(e.getKey()), at);
        if (problem != null) {
          return problem;
        }
      }
      return null;
    }
    if (expected instanceof List<?> want) {
      if (!(actual instanceof List<?> have) || have.size() != want.size()) {
        return path + ": expected a list of " + want.size() + ", got " + actual;
      }
      for (int i = 0; i < want.size(); i++) {
        String problem = difference(want.get(i), have.get(i), path + "/" + i);
        if (problem != null) {
          return problem;
        }
      }
      return null;
    }
    return Objects.equals(expected, actual) ? null : path + ": expected " + expected + ", got " + actual;
  }
}
