package dev.triage.rules;

import dev.triage.admission.AdmissionResponse;
import java.util.List;

/**
 * The engine's answer for one request: the response to send, and what each matching policy
 * concluded (for the decision log, the CLI and tests).
 */
public record Decision(AdmissionResponse response, List<String> matched, List<Failure> failures) {}
