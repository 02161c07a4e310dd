package dev.triage.exceptions;

import java.util.Set;

/**
 * A policy an exception lifts, whole or for some of its validations.
 *
 * @param indexes validations named by their index in {@code spec.validations}
 * @param messages validations named by their {@code message}
 */
public record PolicyTarget(String policy, Set<Integer> indexes, Set<String> messages) {

  /** Whether no validation is named: the exception then covers the whole policy, its mutations included. */
  public boolean wholePolicy() {
    return indexes.isEmpty() && messages.isEmpty();
  }

  /** Whether this target covers validation {@code index} of the policy, whose static message is {@code message}. */
  public boolean covers(int index, String message) {
    return wholePolicy() || indexes.contains(index) || (message != null && messages.contains(message));
  }
}
