package dev.triage.server;

import static dev.triage.server.Reviews.bytes;
import static dev.triage.server.Reviews.uid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Objects full of secret-looking values go in — env values, annotation values, bad JSON around a
 * password, values that make rules fail — and nothing the server answered or logged repeats any
 * of them.
 */
class NoDataLeakTest {
  private static final List<String> SECRETS = List.of("hunter2Patient0042", "pg-pa55word-7731",
      "AKIAQ7SECRETKEY9", "MRN-55512-glucose");

  private static String pod(String uid) {
    return """
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"%s",
          "kind":{"group":"","version":"v1","kind":"Pod"},
          "resource":{"group":"","version":"v1","resource":"pods"},
          "name":"ehr","namespace":"clinical","operation":"CREATE","userInfo":{"username":"alice"},
          "object":{"apiVersion":"v1","kind":"Pod",
            "metadata":{"name":"ehr","annotations":{"db-password":"%s","note":"%s"},"labels":{"app":"ehr"}},
            "spec":{"containers":[{"name":"app","image":"ehr:1",
              "env":[{"name":"DB_URL","value":"%s"},{"name":"AWS_KEY","value":"%s"}]}]}}}}
        """.formatted(uid, SECRETS.get(0), SECRETS.get(3), SECRETS.get(1), SECRETS.get(2));
  }

  @Test
  void nothingAnsweredOrLoggedRepeatsAValueFromTheRequest(@TempDir Path certs) throws Exception {
    List<String> seen = new ArrayList<>();
    try (RunningServer server = new RunningServer(Path.of("src/test/resources/leak-rules"), certs)) {
      for (HttpClient.Version version : HttpClient.Version.values()) {
        HttpClient client = server.client(version);
        for (String path : List.of("/validate", "/mutate", "/validate?timeout=1ms")) {
          HttpResponse<String> response = server.post(client, path, "application/json", bytes(pod(uid())));
          assertEquals(200, response.statusCode(), response.body());
          seen.add(response.headers().map() + "\n" + response.body());
        }
        List<String> bad = List.of(
            "{\"password\": " + SECRETS.get(0) + "}",
            "password=" + SECRETS.get(1),
            "{\"apiVersion\":\"" + SECRETS.get(2) + "\",\"kind\":\"AdmissionReview\"}",
            pod(uid()).replace("\"uid\"", "\"" + SECRETS.get(3) + "\"").replace("\"operation\"", "\"x\""),
            pod(uid()).substring(0, pod("u").indexOf(SECRETS.get(1)) + 8));
        for (String body : bad) {
          HttpResponse<String> response = server.post(client, "/validate", "application/json", bytes(body));
          assertTrue(response.statusCode() >= 400 && response.statusCode() < 500, response.body());
          seen.add(response.headers().map() + "\n" + response.body());
        }
      }
      seen.add(server.logs());
      String denial = seen.get(0);
      assertTrue(denial.contains("\"allowed\":false") && denial.contains("secret-errors: validations[0]"),
          "the rules did fail on the secret values: " + denial);
      assertTrue(seen.get(1).contains("secret-mutation"), "the mutation did fail too: " + seen.get(1));
    }
    for (String text : seen) {
      for (String secret : SECRETS) {
        assertFalse(text.contains(secret), "leaked " + secret + " in:\n" + text);
      }
    }
  }
}
