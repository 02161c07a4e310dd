package dev.triage.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.triage.rules.Mode;
import dev.triage.rules.Outcome;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a report says of each kind of engine result. */
class ResultsTest {
  private static final Instant AT = Instant.parse("2026-12-05T16:00:00Z");

  private static dev.triage.rules.RuleResult engine(String rule, String binding, Outcome outcome, String message,
      String exception) {
    return new dev.triage.rules.RuleResult(rule, binding, outcome, message, "", List.of(), Mode.DRY_RUN,
        dev.triage.rules.RuleResult.Source.ADMISSION, exception);
  }

  @Test
  void validationsMapOneToOneAndDefaultsTheMutationsFillInAskNothing() {
    List<RuleResult> results = Results.of(List.of(
        engine("default-resources", "default-resources", Outcome.MUTATED, "", ""),
        engine("default-probes", "default-probes", Outcome.UNCHANGED, "", ""),
        engine("default-security-context", "default-security-context", Outcome.EXCEPTED, "not applied", "vendor"),
        engine("require-pdb", "require-pdb", Outcome.FAIL, "no PodDisruptionBudget", ""),
        engine("require-mesh-mtls", "mesh-audit", Outcome.AUDIT, "add label", ""),
        engine("vault-secrets-only", "vault-secrets-only", Outcome.PASS, "", "")),
        RuleResult.Source.BACKGROUND, AT);

    assertEquals(List.of(
        new RuleResult("default-security-context", "", RuleResult.Outcome.SKIP, "not applied", "dry-run",
            RuleResult.Source.BACKGROUND, AT, "vendor"),
        new RuleResult("require-pdb", "", RuleResult.Outcome.FAIL, "no PodDisruptionBudget", "dry-run",
            RuleResult.Source.BACKGROUND, AT, ""),
        new RuleResult("require-mesh-mtls", "mesh-audit", RuleResult.Outcome.WARN, "add label", "dry-run",
            RuleResult.Source.BACKGROUND, AT, ""),
        new RuleResult("vault-secrets-only", "", RuleResult.Outcome.PASS, "", "dry-run",
            RuleResult.Source.BACKGROUND, AT, "")), results);
  }
}
