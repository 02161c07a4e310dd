package dev.triage.offline;

/** One rule test case's outcome; {@code problem} is null when it passed. */
public record CaseResult(String file, String test, String name, String expected, String actual, String problem) {
  public boolean passed() {
    return problem == null;
  }
}
