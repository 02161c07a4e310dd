package dev.triage.reports;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The engine's per-rule results as a report lists them. Validations map one to one (an audited
 * failure is a warning: nothing blocks it, yet the team must change it); an excepted failure is a
 * {@code skip} naming its exception. A mutating policy appears only when it failed, erred or was
 * excepted: the defaults it fills in ask nothing of the team.
 */
public final class Results {
  private Results() {}

  public static List<RuleResult> of(List<dev.triage.rules.RuleResult> results, RuleResult.Source source,
      Instant time) {
    List<RuleResult> out = new ArrayList<>();
    for (dev.triage.rules.RuleResult result : results) {
      RuleResult.Outcome outcome = switch (result.outcome()) {
        case PASS -> RuleResult.Outcome.PASS;
        case FAIL -> RuleResult.Outcome.FAIL;
        case WARN, AUDIT -> RuleResult.Outcome.WARN;
        case ERROR -> RuleResult.Outcome.ERROR;
        case SKIP, EXCEPTED -> RuleResult.Outcome.SKIP;
        case MUTATED, UNCHANGED -> null;
      };
      if (outcome != null) {
        String rule = result.binding().equals(result.rule()) ? "" : result.binding();
        out.add(new RuleResult(result.rule(), rule, outcome, result.message(), result.mode().label(), source, time,
            result.exception()));
      }
    }
    return out;
  }
}
