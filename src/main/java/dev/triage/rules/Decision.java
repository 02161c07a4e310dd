package dev.triage.rules;

import dev.triage.admission.AdmissionResponse;
import java.util.List;

/**
 * The engine's answer for one request: the response to send, and what each matching policy
 * concluded (for the decision log, the CLI and tests).
 *
 * @param matched policies whose match fit the request
 * @param failures failed validations, and errors of policies that fail closed
 * @param changed mutating policies that changed the object
 * @param mutated the object after mutation (the request's object when nothing changed); null for validation
 * @param errors policies with an expression that could not be evaluated, whatever their failurePolicy
 * @param results one per (policy, binding, params) that matched, in evaluation order: what consumers read
 */
public record Decision(AdmissionResponse response, Mode mode, List<String> matched, List<Failure> failures,
    List<String> changed, Object mutated, List<String> errors, List<RuleResult> results) {}
