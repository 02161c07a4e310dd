package dev.triage.admission;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Map;

/**
 * Reads {@code admission.k8s.io/v1} AdmissionReview bytes into plain maps (parsed once, longs
 * for integers, no POJO binding) and writes responses. Every failure is a
 * {@link BadReviewException} with a reason that never quotes the body.
 */
public final class ReviewCodec {
  public static final String API_VERSION = "admission.k8s.io/v1";
  public static final String KIND = "AdmissionReview";
  public static final int MAX_BODY_BYTES = 3 * 1024 * 1024;

  private ReviewCodec() {}

  /** The shared JSON factory, for writers that stream their own JSON. */
  public static JsonFactory json() {
    return JsonValues.FACTORY;
  }

  public static AdmissionRequest parse(byte[] body) throws BadReviewException {
    if (body.length == 0) {
      throw new BadReviewException(400, "empty body: expected an admission.k8s.io/v1 AdmissionReview");
    }
    if (body.length > MAX_BODY_BYTES) {
      throw new BadReviewException(413, "body of " + body.length + " bytes exceeds the 3 MiB limit");
    }
    Object parsed;
    try {
      parsed = JsonValues.read(body);
    } catch (IOException e) {
      // CharConversionException (bad UTF-8) is an IOException but not a JsonProcessingException.
      throw new BadReviewException(400, "body is not valid JSON: " + firstLine(e));
    }
    if (!(parsed instanceof Map<?, ?> review)) {
      throw new BadReviewException(400, "body is not a JSON object: expected an AdmissionReview");
    }
    Object apiVersion = review.get("apiVersion");
    Object kind = review.get("kind");
    if (!KIND.equals(kind)) {
      throw new BadReviewException(400, "kind is " + describe(kind) + ": expected AdmissionReview");
    }
    if (!API_VERSION.equals(apiVersion)) {
      throw new BadReviewException(400, "apiVersion is " + describe(apiVersion)
          + ": expected admission.k8s.io/v1 (set admissionReviewVersions: [v1] in the webhook configuration)");
    }
    if (!(review.get("request") instanceof Map<?, ?> request)) {
      throw new BadReviewException(400, "AdmissionReview has no request object");
    }
    if (!(request.get("uid") instanceof String uid) || uid.isEmpty()) {
      throw new BadReviewException(400, "request.uid is missing or not a string");
    }
    if (!(request.get("operation") instanceof String)) {
      throw new BadReviewException(400, "request.operation is missing or not a string");
    }
    if (!(request.get("resource") instanceof Map<?, ?>)) {
      throw new BadReviewException(400, "request.resource is missing or not an object");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> raw = (Map<String, Object>) request;
    return new AdmissionRequest(raw);
  }

  /** Writes the AdmissionReview answering {@code uid}. */
  public static byte[] write(String uid, AdmissionResponse response) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator json = json().createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("apiVersion", API_VERSION);
      json.writeStringField("kind", KIND);
      json.writeObjectFieldStart("response");
      json.writeStringField("uid", uid);
      json.writeBooleanField("allowed", response.allowed());
      if (!response.allowed() || !response.message().isEmpty()) {
        json.writeObjectFieldStart("status");
        json.writeNumberField("code", response.code());
        if (!response.reason().isEmpty()) {
          json.writeStringField("reason", response.reason());
        }
        json.writeStringField("message", response.message());
        json.writeEndObject();
      }
      if (!response.warnings().isEmpty()) {
        json.writeArrayFieldStart("warnings");
        for (String warning : response.warnings()) {
          json.writeString(warning);
        }
        json.writeEndArray();
      }
      if (!response.auditAnnotations().isEmpty()) {
        json.writeObjectFieldStart("auditAnnotations");
        for (Map.Entry<String, String> e : response.auditAnnotations().entrySet()) {
          json.writeStringField(webhookAnnotationKey(e.getKey()), e.getValue());
        }
        json.writeEndObject();
      }
      if (response.patch() != null) {
        json.writeStringField("patchType", "JSONPatch");
        json.writeStringField("patch", Base64.getEncoder().encodeToString(response.patch()));
      }
      json.writeEndObject();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * The apiserver records a webhook's audit annotation under {@code <webhook name>/<key>} and drops
   * any key that would then hold a second slash; policy keys such as {@code require-pdb/replicas}
   * go out as {@code require-pdb.replicas}.
   */
  static String webhookAnnotationKey(String key) {
    return key.replace('/', '.');
  }

  /** Says what is wrong with a field without repeating its value, which may be anything. */
  private static String describe(Object value) {
    return value == null ? "missing" : "a different value";
  }

  /** Jackson's message without the source excerpt it appends (which would quote the body). */
  private static String firstLine(IOException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (e instanceof com.fasterxml.jackson.core.JsonProcessingException processing) {
      message = processing.getOriginalMessage();
      if (processing.getLocation() != null) {
        message += " at line " + processing.getLocation().getLineNr() + ", column "
            + processing.getLocation().getColumnNr();
      }
    }
    int newline = message.indexOf('\n');
    message = newline < 0 ? message : message.substring(0, newline);
    // Jackson quotes the offending token; drop anything quoted so no body text is echoed.
    return message.replaceAll("'[^']*'", "'…'").replaceAll("\"[^\"]*\"", "\"…\"");
  }
}
