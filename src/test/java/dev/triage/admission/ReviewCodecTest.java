package dev.triage.admission;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.values.NullValue;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ReviewCodecTest {
  /** Stands for patient data: no reason may repeat it. */
  private static final String SECRET = "mrn-4471-hunter2";

  private static String review(String apiVersion, String kind, String request) {
    return "{\"apiVersion\":\"" + apiVersion + "\",\"kind\":\"" + kind + "\"" + (request == null ? "" : ",\"request\":"
        + request) + "}";
  }

  private static String request(String uidField) {
    return "{" + uidField + "\"operation\":\"CREATE\",\"namespace\":\"ward-7\","
        + "\"resource\":{\"group\":\"\",\"version\":\"v1\",\"resource\":\"pods\"},"
        + "\"object\":{\"metadata\":{\"name\":\"db\",\"annotations\":{\"patient\":\"" + SECRET + "\"}},"
        + "\"spec\":{\"replicas\":3,\"ratio\":0.5,\"nodeName\":null}}}";
  }

  private static final String REQUEST = request("\"uid\":\"705ab4f5\",");
  private static final String VALID = review(ReviewCodec.API_VERSION, ReviewCodec.KIND, REQUEST);

  private static BadReviewException rejected(byte[] body) {
    return assertThrows(BadReviewException.class, () -> ReviewCodec.parse(body));
  }

  static Stream<Arguments> badReviews() {
    return Stream.of(
        Arguments.of("empty body", new byte[0], "empty body"),
        Arguments.of("not JSON", ("patient=" + SECRET).getBytes(UTF_8), "not valid JSON"),
        Arguments.of("unquoted secret", ("{\"a\": " + SECRET + "}").getBytes(UTF_8), "not valid JSON"),
        Arguments.of("invalid UTF-8 in a string", withInvalidUtf8(), "not valid JSON"),
        Arguments.of("JSON array", ("[" + VALID + "]").getBytes(UTF_8), "not a JSON object"),
        Arguments.of("JSON string", ("\"" + SECRET + "\"").getBytes(UTF_8), "not a JSON object"),
        Arguments.of("wrong kind", review(ReviewCodec.API_VERSION, SECRET, REQUEST).getBytes(UTF_8),
            "expected AdmissionReview"),
        Arguments.of("v1beta1", review("admission.k8s.io/v1beta1", ReviewCodec.KIND, REQUEST).getBytes(UTF_8),
            "admissionReviewVersions: [v1]"),
        Arguments.of("secret apiVersion", review(SECRET, ReviewCodec.KIND, REQUEST).getBytes(UTF_8),
            "expected admission.k8s.io/v1"),
        Arguments.of("missing request", review(ReviewCodec.API_VERSION, ReviewCodec.KIND, null).getBytes(UTF_8),
            "no request"),
        Arguments.of("missing uid", review(ReviewCodec.API_VERSION, ReviewCodec.KIND, request("")).getBytes(UTF_8),
            "request.uid"),
        Arguments.of("numeric uid", review(ReviewCodec.API_VERSION, ReviewCodec.KIND, request("\"uid\":7,"))
            .getBytes(UTF_8), "request.uid"),
        Arguments.of("trailing garbage", (VALID + " {\"x\":\"" + SECRET + "\"}").getBytes(UTF_8), "not valid JSON"),
        Arguments.of("truncated", VALID.substring(0, VALID.indexOf(SECRET) + 4).getBytes(UTF_8), "not valid JSON"),
        Arguments.of("nested 10000 objects", "{\"a\":".repeat(10_000).getBytes(UTF_8), "not valid JSON"),
        Arguments.of("nested 10000 arrays", "[".repeat(10_000).getBytes(UTF_8), "not valid JSON"));
  }

  /** A review whose patient annotation holds 0xC3 0x28: a UTF-8 lead byte followed by no continuation. */
  private static byte[] withInvalidUtf8() {
    byte[] body = VALID.getBytes(UTF_8);
    int at = VALID.indexOf(SECRET);
    body[at] = (byte) 0xC3;
    body[at + 1] = 0x28;
    return body;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badReviews")
  void badReviewsGet400WithAOneLineReasonThatQuotesNothing(String name, byte[] body, String reason) {
    BadReviewException e = rejected(body);
    assertEquals(400, e.status());
    assertTrue(e.getMessage().contains(reason), e.getMessage());
    assertFalse(e.getMessage().contains(SECRET), e.getMessage());
    assertFalse(e.getMessage().contains("mrn"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void bodyOverThreeMebibytesIs413() {
    byte[] body = (VALID + " ".repeat(ReviewCodec.MAX_BODY_BYTES)).getBytes(UTF_8);
    BadReviewException e = rejected(body);
    assertEquals(413, e.status());
    assertFalse(e.getMessage().contains(SECRET));
  }

  @Test
  void aBodyOfEmptyObjectsIsRefusedBeforeItFillsTheHeap() {
    String prefix = "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"object\":[";
    int count = (ReviewCodec.MAX_BODY_BYTES - prefix.length() - 10) / 3;
    byte[] body = (prefix + "{},".repeat(count) + "{}]}}").getBytes(UTF_8);
    assertTrue(body.length <= ReviewCodec.MAX_BODY_BYTES);
    BadReviewException e = rejected(body);
    assertEquals(400, e.status());
    assertTrue(e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("token count"), e.getMessage());
  }

  @Test
  void aLargeDeploymentIsWellWithinTheTokenLimit() throws Exception {
    // 109 KB, 50 containers with 20 env entries each: about 11,000 tokens, a hundredth of the limit
    byte[] body = java.nio.file.Files.readAllBytes(java.nio.file.Path.of("bench/reviews/deployment-100k.validate.json"));
    assertEquals("Deployment", ReviewCodec.parse(body).kind());
  }

  @Test
  void bodyOfExactlyThreeMebibytesIsRead() throws BadReviewException {
    byte[] body = (VALID + " ".repeat(ReviewCodec.MAX_BODY_BYTES - VALID.length())).getBytes(UTF_8);
    assertEquals(ReviewCodec.MAX_BODY_BYTES, body.length);
    assertEquals("705ab4f5", ReviewCodec.parse(body).uid());
  }

  @Test
  void validReviewIsReadIntoPlainValues() throws BadReviewException {
    AdmissionRequest request = ReviewCodec.parse(VALID.getBytes(UTF_8));
    assertEquals("705ab4f5", request.uid());
    assertEquals("CREATE", request.operation());
    assertEquals("ward-7", request.namespace());
    assertEquals(List.of("", "v1", "pods"), request.resource().asList());
    assertEquals(request.resource(), request.requestResource(), "requestResource defaults to resource");
    Map<?, ?> spec = (Map<?, ?>) ((Map<?, ?>) request.object()).get("spec");
    assertEquals(3L, spec.get("replicas"));
    assertEquals(0.5, spec.get("ratio"));
    assertEquals(NullValue.NULL_VALUE, spec.get("nodeName"));
  }

  private static JsonNode written(AdmissionResponse response) throws Exception {
    JsonNode review = new com.fasterxml.jackson.databind.ObjectMapper().readTree(ReviewCodec.write("705ab4f5", response));
    assertEquals(ReviewCodec.API_VERSION, review.get("apiVersion").asText());
    assertEquals(ReviewCodec.KIND, review.get("kind").asText());
    assertEquals("705ab4f5", review.get("response").get("uid").asText());
    return review.get("response");
  }

  @Test
  void anAdmittedResponseHasNoStatusPatchOrWarnings() throws Exception {
    JsonNode response = written(AdmissionResponse.allow());
    assertTrue(response.get("allowed").asBoolean());
    assertEquals(List.of("uid", "allowed"), fieldNames(response));
  }

  @Test
  void aDeniedResponseCarriesCodeReasonAndMessage() throws Exception {
    JsonNode response = written(new AdmissionResponse(false, 403, "Forbidden", "no-privileged: privileged containers",
        List.of(), Map.of(), null));
    assertFalse(response.get("allowed").asBoolean());
    JsonNode status = response.get("status");
    assertEquals(403, status.get("code").asInt());
    assertEquals("Forbidden", status.get("reason").asText());
    assertEquals("no-privileged: privileged containers", status.get("message").asText());
  }

  @Test
  void warningsAndAuditAnnotationsAreWrittenWithAnAdmission() throws Exception {
    JsonNode response = written(new AdmissionResponse(true, 200, "", "", List.of("latest tag: pin an image digest"),
        Map.of("team-label/team", "payments"), null));
    assertTrue(response.get("allowed").asBoolean());
    assertFalse(response.has("status"));
    assertEquals("[\"latest tag: pin an image digest\"]", response.get("warnings").toString());
    // The apiserver prefixes the webhook's name and drops keys with a second slash.
    assertEquals("payments", response.get("auditAnnotations").get("team-label.team").asText());
    assertFalse(response.get("auditAnnotations").has("team-label/team"));
  }

  @Test
  void aPatchIsBase64WithPatchTypeJsonPatch() throws Exception {
    byte[] patch = "[{\"op\":\"add\",\"path\":\"/metadata/labels/mesh\",\"value\":\"on\"}]".getBytes(UTF_8);
    JsonNode response = written(AdmissionResponse.allow().withPatch(patch));
    assertEquals("JSONPatch", response.get("patchType").asText());
    assertArrayEquals(patch, Base64.getDecoder().decode(response.get("patch").asText()));
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
