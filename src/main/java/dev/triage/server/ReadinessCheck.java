package dev.triage.server;

/** Something {@code /readyz} waits for, and the line it shows there whether ready or not. */
public interface ReadinessCheck {
  boolean ready();

  /** One line for an operator: what this check sees now and, when not ready, what to change. */
  String detail();
}
