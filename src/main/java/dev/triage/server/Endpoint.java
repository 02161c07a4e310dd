package dev.triage.server;

/** The two admission paths, as registered in the webhook configurations. */
public enum Endpoint {
  VALIDATE("/validate"), MUTATE("/mutate");

  private final String path;

  Endpoint(String path) {
    this.path = path;
  }

  public String path() {
    return path;
  }
}
