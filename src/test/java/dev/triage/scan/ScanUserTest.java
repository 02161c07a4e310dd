package dev.triage.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScanUserTest {
  @Test
  void aServiceAccountHasTheGroupsTheApiServerGivesIt() {
    assertEquals(Map.of("username", "system:serviceaccount:triage-system:triage", "groups",
        List.of("system:serviceaccounts", "system:serviceaccounts:triage-system", "system:authenticated")),
        ScanUser.of("system:serviceaccount:triage-system:triage"));
    assertEquals("triage-system", ScanUser.namespace("system:serviceaccount:triage-system:triage"));
  }

  @Test
  void anyOtherUserIsOnlyAuthenticated() {
    assertEquals(Map.of("username", "triage", "groups", List.of("system:authenticated")), ScanUser.of("triage"));
    assertEquals("", ScanUser.namespace("triage"));
    assertEquals("", ScanUser.namespace("system:serviceaccount:"));
    assertEquals("", ScanUser.namespace("system:serviceaccount:no-name"));
  }
}
