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
    String namespace = namespace(username);
    if (!namespace.isEmpty()) {
      groups.add("system:serviceaccounts");
      groups.add("system:serviceaccounts:" + namespace);
    }
    groups.add("system:authenticated");
    return Map.of("username", username, "groups", List.copyOf(groups));
  }

  /** The namespace of a service account's user name ({@code triage-system}); empty for any other user. */
  public static String namespace(String username) {
    if (!username.startsWith(SERVICE_ACCOUNT)) {
      return "";
    }
    String rest = username.substring(SERVICE_ACCOUNT.length());
    int colon = rest.indexOf(':');
    return colon <= 0 ? "" : rest.substring(0, colon);
  }
}
