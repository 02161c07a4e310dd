package dev.triage.yaml;

/** A place in a source file, 1-based as editors show it. */
public record Position(int line, int column) {
  @Override
  public String toString() {
    return line + ":" + column;
  }
}
