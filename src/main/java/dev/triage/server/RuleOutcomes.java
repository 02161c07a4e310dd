package dev.triage.server;

import dev.triage.rules.Decision;
import dev.triage.rules.Mode;
import dev.triage.rules.RuleResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What each matching policy did to one request, in words an operator searches for: {@code pass},
 * {@code deny}, {@code warn}, {@code audit}, {@code dry-run} (a denial the namespace's mode let
 * through), {@code mutate}, {@code would-mutate} (dry-run), {@code unchanged}, {@code skip} (a
 * matchCondition was false), {@code excepted} (an exception lifted the policy's failure or its
 * change), {@code error} (an expression failed and the policy's failurePolicy
 * ignored it). A policy with several bindings is named once, with the strongest of its outcomes.
 */
final class RuleOutcomes {
  /** Weakest first. */
  private static final List<String> STRENGTH =
      List.of("skip", "pass", "unchanged", "mutate", "would-mutate", "excepted", "audit", "error", "warn", "dry-run",
          "deny");

  private RuleOutcomes() {}

  /** Policy name to outcome, in the order the policies matched. */
  static Map<String, String> of(Decision decision) {
    Map<String, String> outcomes = new LinkedHashMap<>();
    for (RuleResult result : decision.results()) {
      outcomes.merge(result.rule(), word(result),
          (was, now) -> STRENGTH.indexOf(now) > STRENGTH.indexOf(was) ? now : was);
    }
    return outcomes;
  }

  private static String word(RuleResult result) {
    return switch (result.outcome()) {
      case PASS -> "pass";
      case SKIP -> "skip";
      case UNCHANGED -> "unchanged";
      case EXCEPTED -> "excepted";
      case MUTATED -> result.mode() == Mode.DRY_RUN ? "would-mutate" : "mutate";
      case ERROR -> "error";
      case AUDIT -> "audit";
      case WARN -> "warn";
      case FAIL -> switch (result.mode()) {
        case ENFORCE -> "deny";
        case WARN -> "warn";
        case DRY_RUN -> "dry-run";
      };
    };
  }
}
