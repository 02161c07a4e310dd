package dev.triage.server;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** AdmissionReview bodies as the apiserver sends them. */
final class Reviews {
  private Reviews() {}

  static String pod(String uid, String containers, String labels) {
    return """
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{
          "uid":"%s",
          "kind":{"group":"","version":"v1","kind":"Pod"},
          "resource":{"group":"","version":"v1","resource":"pods"},
          "requestKind":{"group":"","version":"v1","kind":"Pod"},
          "requestResource":{"group":"","version":"v1","resource":"pods"},
          "name":"ehr-api","namespace":"clinical","operation":"CREATE",
          "userInfo":{"username":"alice"},
          "object":{"apiVersion":"v1","kind":"Pod",
            "metadata":{"name":"ehr-api","namespace":"clinical","labels":%s},
            "spec":{"containers":%s}},
          "oldObject":null,"dryRun":false}}
        """.formatted(uid, labels, containers);
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static String uid() {
    return UUID.randomUUID().toString();
  }
}
