package dev.triage.e2e;

/** A running Triage the API server calls: a host process or a container. */
interface Triage extends AutoCloseable {
  /** The port on 127.0.0.1 where Triage serves HTTPS. */
  int port();

  /** Stops Triage; the webhook registrations stay, so the API server meets a closed port. */
  @Override
  void close() throws Exception;
}
