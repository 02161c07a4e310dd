package dev.triage.scan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The AdmissionReview {@code userInfo} of the scan's requests: Triage's own service account, as the apiserver names it. */
public final class ScanUser {
  private static final String SERVICE_ACCOUNT = "system:serviceaccount:";

  private ScanUser() {}

  /** {@code system:serviceaccount:triage-system:triage} with the groups the apiserver gives a service account. */
  public static Map<String, Object> of(String username) {
    List<String> groups = new ArrayList<>();
    if (username.startsWith(SERVICE_ACCOUNT)) {
      String namespace = username.substring(SERVICE_ACCOUNT.length()).split(":", 2)[0];
      groups.add("system:serviceaccounts");
      groups.add("system:serviceaccounts:" + namespace);
    }
    groups.add("system:authenticated");
    return Map.of("username", username, "groups", List.copyOf(groups));
  }
}
