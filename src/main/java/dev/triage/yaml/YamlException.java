package dev.triage.yaml;

/** A file that is not well-formed YAML; the message names file, line and column. */
public final class YamlException extends Exception {
  private final String file;
  private final Position position;
  private final String problem;

  public YamlException(String file, Position position, String problem) {
    super(file + ":" + position + ": " + problem);
    this.file = file;
    this.position = position;
    this.problem = problem;
  }

  public String problem() {
    return problem;
  }

  public String file() {
    return file;
  }

  public Position position() {
    return position;
  }
}
