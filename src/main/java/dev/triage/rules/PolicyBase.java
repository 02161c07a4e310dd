package dev.triage.rules;

import java.util.List;

/**
 * What validating and mutating policies share: where they apply, what they read, and what an
 * evaluation error means.
 *
 * @param failClosed {@code failurePolicy: Fail} (the default): an evaluation error denies
 * @param paramKind null when the policy takes no params
 */
public record PolicyBase(String kind, String name, String file, boolean failClosed, ParamKind paramKind,
    MatchResources match, List<NamedExpression> matchConditions, List<NamedExpression> variables) {

  /** "ValidatingAdmissionPolicy require-pdb", as errors name it. */
  public String title() {
    return kind + " " + name;
  }
}
