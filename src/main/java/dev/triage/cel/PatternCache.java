package dev.triage.cel;

import com.google.re2j.Pattern;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bounded least-recently-used cache of compiled RE2 patterns. Patterns in policies are nearly
 * always constants, so compiling each one once per process saves work on every admission request,
 * while the bound keeps patterns built from request data from growing the cache without limit.
 */
final class PatternCache {

  private final int capacity;
  private final Map<String, Pattern> patterns;

  PatternCache(int capacity) {
    this.capacity = capacity;
    this.patterns = new LinkedHashMap<>(16, 0.75f, true);
  }

  /**
   * Returns the compiled pattern for {@code regex}.
   *
   * @throws com.google.re2j.PatternSyntaxException if {@code regex} is not valid RE2 syntax
   */
  Pattern get(String regex) {
    synchronized (patterns) {
      Pattern cached = patterns.get(regex);
      if (cached != null) {
        return cached;
      }
    }
    // Compiled outside the lock so that one slow compilation does not block other lookups.
    Pattern compiled = Pattern.compile(regex);
    synchronized (patterns) {
      patterns.put(regex, compiled);
      if (patterns.size() > capacity) {
        patterns.remove(patterns.keySet().iterator().next());
      }
    }
    return compiled;
  }

  int size() {
    synchronized (patterns) {
      return patterns.size();
    }
  }
}
