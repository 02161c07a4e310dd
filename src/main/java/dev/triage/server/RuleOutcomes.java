package dev.triage.server;

import dev.triage.rules.Decision;
import dev.triage.rules.Failure;
import dev.triage.rules.Mode;
import dev.triage.rules.PolicyBinding;
import dev.triage.rules.ValidationAction;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What each matching policy did to one request, in words an operator searches for: {@code pass},
 * {@code deny}, {@code warn}, {@code audit}, {@code dry-run} (a denial the namespace's mode let
 * through), {@code mutate}, {@code would-mutate} (dry-run), {@code unchanged}, {@code error} (an
 * expression failed and the policy's failurePolicy ignored it).
 */
final class RuleOutcomes {
  private RuleOutcomes() {}

  /** Policy name to outcome, in the order the policies matched. */
  static Map<String, String> of(Endpoint endpoint, Decision decision) {
    Map<String, String> outcomes = new LinkedHashMap<>();
    String quiet = endpoint == Endpoint.MUTATE ? "unchanged" : "pass";
    decision.matched().forEach(policy -> outcomes.put(policy, quiet));
    decision.errors().forEach(policy -> outcomes.put(policy, "error"));
    String changed = decision.mode() == Mode.DRY_RUN ? "would-mutate" : "mutate";
    decision.changed().forEach(policy -> outcomes.put(policy, changed));
    // A policy bound more than once keeps the strongest thing its bindings did.
    Map<String, String> failed = new LinkedHashMap<>();
    for (Failure failure : decision.failures()) {
      failed.merge(failure.policy(), outcome(failure.binding(), decision.mode()),
          (a, b) -> STRENGTH.indexOf(a) <= STRENGTH.indexOf(b) ? a : b);
    }
    outcomes.putAll(failed);
    return outcomes;
  }

  /** Failure outcomes, strongest first. */
  private static final java.util.List<String> STRENGTH = java.util.List.of("deny", "dry-run", "warn", "audit");

  /** The strongest thing a failure did: a denial (or what the mode made of it), else a warning, else audit. */
  private static String outcome(PolicyBinding binding, Mode mode) {
    if (binding.actions().contains(ValidationAction.DENY)) {
      return switch (mode) {
        case ENFORCE -> "deny";
        case WARN -> "warn";
        case DRY_RUN -> "dry-run";
      };
    }
    return binding.actions().contains(ValidationAction.WARN) ? "warn" : "audit";
  }
}
