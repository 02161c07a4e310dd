package dev.triage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.triage.rules.Decision;
import dev.triage.rules.Mode;
import dev.triage.rules.Outcome;
import dev.triage.rules.RuleResult;
import dev.triage.admission.AdmissionResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The decision log's and metrics' word for each policy. */
class RuleOutcomesTest {
  private static RuleResult result(String binding, Outcome outcome, Mode mode) {
    return new RuleResult("require-pdb", binding, outcome, "", "", List.of(), mode, RuleResult.Source.ADMISSION);
  }

  private static Decision decision(Mode mode, RuleResult... results) {
    return new Decision(AdmissionResponse.allow(), mode, List.of("require-pdb"), List.of(), List.of(), null,
        List.of(), List.of(results));
  }

  @Test
  void aPolicyDeniedThroughOneBindingAndWarnedThroughAnotherIsLoggedAsDenied() {
    assertEquals(Map.of("require-pdb", "deny"), RuleOutcomes.of(decision(Mode.ENFORCE,
        result("deny", Outcome.FAIL, Mode.ENFORCE), result("warn", Outcome.WARN, Mode.ENFORCE))));
  }

  @Test
  void aDenialInADryRunNamespaceIsLoggedAsDryRun() {
    assertEquals(Map.of("require-pdb", "dry-run"), RuleOutcomes.of(decision(Mode.DRY_RUN,
        result("audit", Outcome.AUDIT, Mode.DRY_RUN), result("deny", Outcome.FAIL, Mode.DRY_RUN))));
  }
}
