package dev.triage.admission;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whatever bytes arrive, the codec either reads an AdmissionReview or rejects it with a 4xx and a
 * one-line reason that does not quote the body; whatever the engine answers, the response is
 * JSON that an independent parser reads back field for field.
 */
class ReviewCodecFuzzTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Planted wherever the input says "@@": a reason that repeats it has quoted the body. */
  private static final String SECRET = "Zq7SECRETxK9";

  @FuzzTest
  void readsAnyBodyOrRejectsItWithoutQuotingIt(byte[] input) throws IOException {
    byte[] body = plant(input);
    AdmissionRequest request;
    try {
      request = ReviewCodec.parse(body);
    } catch (BadReviewException e) {
      assertTrue(e.status() >= 400 && e.status() < 500, "status " + e.status());
      assertFalse(e.getMessage().isBlank());
      assertFalse(e.getMessage().contains("\n"), e.getMessage());
      assertFalse(e.getMessage().contains(SECRET), e.getMessage());
      return;
    }
    // A review that parsed is answered for its own uid, whatever characters the uid holds.
    byte[] written = ReviewCodec.write(request.uid(), AdmissionResponse.allow());
    JsonNode response = JSON.readTree(written).path("response");
    assertEquals(request.uid(), response.path("uid").asText());
    assertTrue(response.path("allowed").asBoolean());
  }

  @FuzzTest
  void writesResponsesThatParseBack(FuzzedDataProvider data) throws IOException {
    String uid = data.consumeString(64);
    boolean allowed = data.consumeBoolean();
    int code = data.consumeInt(100, 599);
    String reason = data.consumeString(32);
    String message = data.consumeString(256);
    List<String> warnings = new ArrayList<>();
    for (int i = data.consumeInt(0, 4); i > 0; i--) {
      warnings.add(data.consumeString(64));
    }
    Map<String, String> annotations = new LinkedHashMap<>();
    for (int i = data.consumeInt(0, 4); i > 0; i--) {
      annotations.put(data.consumeString(32), data.consumeString(64));
    }
    byte[] patch = data.consumeBoolean() ? data.consumeRemainingAsBytes() : null;
    AdmissionResponse written = new AdmissionResponse(allowed, code, reason, message, warnings, annotations, patch);

    JsonNode review = JSON.readTree(ReviewCodec.write(uid, written));
    assertEquals(ReviewCodec.API_VERSION, review.path("apiVersion").asText());
    JsonNode response = review.path("response");
    assertEquals(uid, response.path("uid").asText());
    assertEquals(allowed, response.path("allowed").asBoolean());
    if (!allowed || !message.isEmpty()) {
      assertEquals(code, response.path("status").path("code").asInt());
      assertEquals(message, response.path("status").path("message").asText());
    }
    List<String> readWarnings = new ArrayList<>();
    response.path("warnings").forEach(w -> readWarnings.add(w.asText()));
    assertEquals(warnings, readWarnings);
    Map<String, String> readAnnotations = new LinkedHashMap<>();
    response.path("auditAnnotations").fields().forEachRemaining(e -> readAnnotations.put(e.getKey(), e.getValue().asText()));
    assertEquals(annotations, readAnnotations);
    if (patch != null) {
      assertEquals("JSONPatch", response.path("patchType").asText());
      assertArrayEquals(patch, Base64.getDecoder().decode(response.path("patch").asText()));
    } else {
      assertTrue(response.path("patch").isMissingNode());
    }
  }

  private static byte[] plant(byte[] input) {
    String text = new String(input, StandardCharsets.ISO_8859_1); // one char per byte, reversible
    return text.replace("@@", SECRET).getBytes(StandardCharsets.ISO_8859_1);
  }
}
