package dev.triage.admission;

import java.util.List;
import java.util.Map;

/**
 * What Triage answers for one request: the {@code response} of an AdmissionReview.
 *
 * @param code HTTP-style status code put in {@code status.code} when denied (403, 422, ...)
 * @param patch RFC 6902 JSON patch bytes, or null when nothing is changed
 */
public record AdmissionResponse(boolean allowed, int code, String reason, String message,
    List<String> warnings, Map<String, String> auditAnnotations, byte[] patch) {

  public static AdmissionResponse allow() {
    return new AdmissionResponse(true, 200, "", "", List.of(), Map.of(), null);
  }

  public AdmissionResponse withPatch(byte[] jsonPatch) {
    return new AdmissionResponse(allowed, code, reason, message, warnings, auditAnnotations, jsonPatch);
  }
}
