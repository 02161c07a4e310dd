package dev.triage.exceptions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.triage.rules.CelEnvironment;
import dev.triage.rules.RuleCompiler;
import dev.triage.rules.RuleError;
import dev.triage.rules.RuleSnapshot;
import dev.triage.yaml.YamlReader;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Exceptions as a platform team writes them: what they lift, for which objects, until when, and what lint says. */
class ExceptionsTest {
  private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");
  private static final CelEnvironment CEL = new CelEnvironment();

  private static final String POLICIES = """
      apiVersion: admissionregistration.k8s.io/v1
      kind: ValidatingAdmissionPolicy
      metadata: {name: restricted-security-context}
      spec:
        validations:
        - expression: "true"
          message: containers must not run as root
        - expression: "true"
          message: containers must not be privileged
      ---
      apiVersion: admissionregistration.k8s.io/v1beta1
      kind: MutatingAdmissionPolicy
      metadata: {name: default-security-context}
      spec:
        mutations:
        - patchType: JSONPatch
          jsonPatch:
            expression: "[]"
      ---
      """;

  private static RuleSnapshot load(String exceptions) throws Exception {
    return new RuleCompiler(CEL, Clock.fixed(NOW, ZoneOffset.UTC))
        .compile(YamlReader.read("rules/x.yaml", POLICIES + exceptions), new ArrayList<>());
  }

  private static String exception(String name, String spec) {
    return "apiVersion: triage.dev/v1alpha1\nkind: Exception\nmetadata:\n  name: " + name + "\nspec:\n" + spec.indent(2);
  }

  private static final String SCANNER = exception("imaging-scanner", """
      policies:
      - policyName: restricted-security-context
        validations: [0]
      - policyName: default-security-context
      match:
        namespaces: [imaging]
        kinds: [Deployment]
        names: ["scanner-*"]
        selector: {matchLabels: {vendor: acme}}
      justification: The vendor's scanner image runs as root; the vendor ships a rootless one in Q2.
      expires: 2027-01-15
      approvedBy: ciso@example.org
      ticket: SEC-1234
      """);

  private static ExceptedObject scanner(String namespace, String kind, String name, Map<String, String> labels) {
    return new ExceptedObject(namespace, kind, name, labels);
  }

  @Test
  void liftsExactlyTheNamedValidationForExactlyTheNamedObjects() throws Exception {
    RuleSnapshot rules = load(SCANNER);
    assertEquals(List.of(), rules.errors());
    PolicyExceptions exceptions = rules.exceptions();
    ExceptedObject fits = scanner("imaging", "Deployment", "scanner-east", Map.of("vendor", "acme"));
    String policy = "restricted-security-context";

    assertEquals("imaging-scanner", exceptions.forValidation(policy, 0, "containers must not run as root", fits, NOW)
        .map(PolicyException::name).orElseThrow());
    assertTrue(exceptions.forValidation(policy, 1, "containers must not be privileged", fits, NOW).isEmpty(),
        "validation 1 is not named");
    assertTrue(exceptions.forValidation("require-pdb", 0, "", fits, NOW).isEmpty(), "policy not named");
    for (ExceptedObject other : List.of(
        scanner("radiology", "Deployment", "scanner-east", Map.of("vendor", "acme")),
        scanner("imaging", "StatefulSet", "scanner-east", Map.of("vendor", "acme")),
        scanner("imaging", "Deployment", "viewer", Map.of("vendor", "acme")),
        scanner("imaging", "Deployment", "scanner-east", Map.of("vendor", "other")),
        scanner("imaging", "Deployment", "scanner-east", Map.of()))) {
      assertTrue(exceptions.forValidation(policy, 0, "containers must not run as root", other, NOW).isEmpty(),
          other.toString());
    }
  }

  @Test
  void aWholePolicyCoversItsMutationsButSomeValidationsDoNot() throws Exception {
    PolicyExceptions exceptions = load(SCANNER).exceptions();
    ExceptedObject fits = scanner("imaging", "Deployment", "scanner-1", Map.of("vendor", "acme"));
    assertTrue(exceptions.forPolicy("default-security-context", fits, NOW).isPresent());
    assertTrue(exceptions.forPolicy("restricted-security-context", fits, NOW).isEmpty(),
        "naming validation 0 does not lift the whole policy");
  }

  @Test
  void aValidationCanBeNamedByItsMessage() throws Exception {
    PolicyExceptions exceptions = load(exception("by-message", """
        policies:
        - policyName: restricted-security-context
          validations: ["containers must not be privileged"]
        match: {namespaces: [imaging]}
        justification: node agent
        expires: 2027-01-15
        """)).exceptions();
    ExceptedObject any = scanner("imaging", "Pod", "agent", Map.of());
    assertTrue(exceptions.forValidation("restricted-security-context", 1, "containers must not be privileged", any,
        NOW).isPresent());
    assertTrue(exceptions.forValidation("restricted-security-context", 0, "containers must not run as root", any,
        NOW).isEmpty());
  }

  @Test
  void stopsApplyingAtItsExpiryWithoutAReload() throws Exception {
    PolicyExceptions exceptions = load(SCANNER).exceptions();
    ExceptedObject fits = scanner("imaging", "Deployment", "scanner-1", Map.of("vendor", "acme"));
    Instant expires = Instant.parse("2027-01-15T00:00:00Z");
    assertTrue(exceptions.forPolicy("default-security-context", fits, expires.minusSeconds(1)).isPresent());
    assertTrue(exceptions.forPolicy("default-security-context", fits, expires).isEmpty());
    assertTrue(exceptions.forPolicy("default-security-context", fits, expires.plusSeconds(86_400)).isEmpty());
  }

  @Test
  void anRfc3339ExpiryIsHonouredToTheSecond() throws Exception {
    PolicyExceptions exceptions = load(exception("t", """
        policies: [{policyName: default-security-context}]
        match: {names: [agent]}
        justification: j
        expires: "2026-12-05T17:30:00+01:00"
        """)).exceptions();
    ExceptedObject agent = scanner("", "Pod", "agent", Map.of());
    assertTrue(exceptions.forPolicy("default-security-context", agent, Instant.parse("2026-12-05T16:29:59Z"))
        .isPresent());
    assertTrue(exceptions.forPolicy("default-security-context", agent, Instant.parse("2026-12-05T16:30:00Z"))
        .isEmpty());
  }

  @Test
  void aReviewIsMatchedByItsNamespaceKindNameAndLabels() throws Exception {
    Map<String, Object> review = new com.fasterxml.jackson.databind.ObjectMapper().readValue("""
        {"uid": "1", "operation": "CREATE", "namespace": "imaging",
         "kind": {"group": "apps", "version": "v1", "kind": "Deployment"},
         "object": {"apiVersion": "apps/v1", "kind": "Deployment",
                    "metadata": {"name": "scanner-east", "labels": {"vendor": "acme"}}}}
        """, Map.class);
    ExceptedObject object = ExceptedObject.of(new dev.triage.admission.AdmissionRequest(review));
    assertEquals(new ExceptedObject("imaging", "Deployment", "scanner-east", Map.of("vendor", "acme")), object);
    assertTrue(load(SCANNER).exceptions().forPolicy("default-security-context", object, NOW).isPresent());
  }

  @Test
  void namesMatchWithStars() {
    assertTrue(ObjectMatch.glob("scanner-*", "scanner-"));
    assertTrue(ObjectMatch.glob("scanner-*", "scanner-east-1"));
    assertTrue(ObjectMatch.glob("*-scanner-*", "acme-scanner-1"));
    assertTrue(ObjectMatch.glob("*", "anything"));
    assertTrue(ObjectMatch.glob("exact", "exact"));
    assertFalse(ObjectMatch.glob("scanner-*", "scanner"));
    assertFalse(ObjectMatch.glob("scanner", "scanner-1"));
    assertFalse(ObjectMatch.glob("*-db", "db-1"));
  }

  private static List<String> errors(String exception) throws Exception {
    RuleSnapshot rules = load(exception);
    assertTrue(rules.exceptions().isEmpty(), "an exception with a problem must admit nothing");
    return rules.errors().stream().map(RuleError::toString).toList();
  }

  @Test
  void justificationAndExpiresAreRequiredWithTheirPlace() throws Exception {
    List<String> errors = errors(exception("no-why", """
        policies: [{policyName: default-security-context}]
        match: {namespaces: [imaging]}
        """));
    assertEquals(List.of(
        "rules/x.yaml:20:1: Exception no-why: spec.justification: is required",
        "rules/x.yaml:20:1: Exception no-why: spec.expires: is required"), errors);
  }

  @Test
  void refusesAnExpiryMoreThanAYearOut() throws Exception {
    List<String> errors = errors(exception("forever", """
        policies: [{policyName: default-security-context}]
        match: {namespaces: [imaging]}
        justification: j
        expires: 2028-01-01
        """));
    assertEquals(List.of("rules/x.yaml:28:12: Exception forever: spec.expires: 2028-01-01 is more than a year away:"
        + " choose a date before 2027-12-06 and renew it then, or change the rule"), errors);
  }

  @Test
  void namesWhatIsWrongWithTheTargetsAndTheMatch() throws Exception {
    List<String> errors = errors(exception("wrong", """
        policies:
        - policyName: require-pdbs
        - policyName: restricted-security-context
          validations: [2, "must not be root"]
        - policyName: default-security-context
          validations: [0]
        match: {kinds: [Pod]}
        justification: j
        expires: not-a-date
        """));
    assertEquals(List.of(
        "rules/x.yaml:26:17: Exception wrong: spec.policies[0].policyName: no policy named require-pdbs is loaded",
        "rules/x.yaml:28:19: Exception wrong: spec.policies[1].validations[0]: restricted-security-context has"
            + " validations 0 to 1, not 2",
        "rules/x.yaml:28:23: Exception wrong: spec.policies[1].validations[1]: no validation of"
            + " restricted-security-context has the message \"must not be root\": give its index or its message"
            + " exactly",
        "rules/x.yaml:30:19: Exception wrong: spec.policies[2].validations[0]: default-security-context is a"
            + " MutatingAdmissionPolicy: it has no validations; leave validations out to lift its mutations",
        "rules/x.yaml:20:1: Exception wrong: spec.match: must name namespaces, names or a selector:"
            + " an exception for every object is a change to the rule itself",
        "rules/x.yaml:33:12: Exception wrong: spec.expires: must be a date (2027-03-01, meaning 00:00 UTC) or an"
            + " RFC 3339 time (2027-03-01T17:00:00Z), not \"not-a-date\""), errors);
  }

  @Test
  void twoExceptionsWithOneNameAreAnError() throws Exception {
    RuleSnapshot rules = load(SCANNER + "---\n" + SCANNER);
    assertEquals(1, rules.exceptions().all().size());
    assertEquals(1, rules.errors().size());
    assertTrue(rules.errors().get(0).toString().contains("an Exception named imaging-scanner is already defined at"
        + " rules/x.yaml:20:1"), rules.errors().toString());
  }

  @Test
  void noticesNameExpiredExceptionsAndThoseWithinTwoWeeks() throws Exception {
    PolicyExceptions exceptions = load(SCANNER).exceptions();
    PolicyException scanner = exceptions.all().get(0);
    Instant expires = scanner.expires();
    assertEquals(List.of(), new Expiry(Clock.fixed(expires.minus(Expiry.NOTICE).minusSeconds(1), ZoneOffset.UTC))
        .notices(exceptions));
    Expiry tenDays = new Expiry(Clock.fixed(expires.minusSeconds(10 * 86_400L), ZoneOffset.UTC));
    assertEquals(10, tenDays.daysLeft(scanner));
    assertEquals(List.of("rules/x.yaml:20:1: Exception imaging-scanner: expires at 2027-01-15 (10 days left); after"
        + " that restricted-security-context, default-security-context apply to its objects again"),
        tenDays.notices(exceptions));
    Expiry after = new Expiry(Clock.fixed(expires.plusSeconds(1), ZoneOffset.UTC));
    assertEquals(-1, after.daysLeft(scanner));
    assertEquals(List.of("rules/x.yaml:20:1: Exception imaging-scanner: expired at 2027-01-15 and admits nothing any"
        + " more: delete it, or renew it with a new expires and justification"), after.notices(exceptions));
  }

  @Test
  void theReminderSaysTheNoticesAtStartAndThenEveryPeriod() throws Exception {
    PolicyExceptions exceptions = load(SCANNER).exceptions();
    Expiry fiveDaysLeft = new Expiry(Clock.fixed(exceptions.all().get(0).expires().minusSeconds(5 * 86_400L),
        ZoneOffset.UTC));
    java.util.concurrent.BlockingQueue<String> said = new java.util.concurrent.LinkedBlockingQueue<>();
    try (ExpiryReminder reminder = new ExpiryReminder(() -> exceptions, fiveDaysLeft, said::add,
        java.time.Duration.ofMillis(200))) {
      for (int i = 0; i < 2; i++) {
        String line = said.poll(10, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(line != null && line.contains("Exception imaging-scanner: expires at 2027-01-15 (5 days left)"),
            String.valueOf(line));
      }
    }
  }

  @Test
  void anExpiredExceptionStillLoadsSoLintCanWarnAboutIt() throws Exception {
    RuleSnapshot rules = load(exception("old", """
        policies: [{policyName: default-security-context}]
        match: {namespaces: [imaging]}
        justification: j
        expires: 2026-01-01
        """));
    assertEquals(List.of(), rules.errors());
    Optional<PolicyException> old = rules.exceptions().all().stream().findFirst();
    assertFalse(old.orElseThrow().activeAt(NOW));
  }
}
