package dev.triage.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The commands a rule author and a team's CI run, with their output and exit codes. */
class CliTest {
  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void lintPassesTheShippedRules() {
    Run run = run("lint", "rules");
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.out().contains("0 problems"), run.out());
  }

  @Test
  void lintPrintsEveryProblemWithItsPositionAndFails(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("a.yaml"), """
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicy
        metadata: {name: a}
        spec:
          validations:
          - expression: "object.spec.replicas >"
        """);
    Files.writeString(dir.resolve("b.yaml"), "kind: [unclosed\n");
    Run run = run("lint", dir.toString());
    assertEquals(1, run.exit());
    assertTrue(run.err().contains(dir.resolve("a.yaml") + ":6:"), run.err());
    assertTrue(run.err().contains("ValidatingAdmissionPolicy a: spec.validations[0].expression"), run.err());
    assertTrue(run.err().contains(dir.resolve("b.yaml") + ":"), run.err());
  }

  private static void writeExceptions(Path dir, String... nameAndExpiry) throws Exception {
    Files.copy(Path.of("rules/restricted-security-context.yaml"), dir.resolve("restricted-security-context.yaml"));
    StringBuilder file = new StringBuilder();
    for (int i = 0; i < nameAndExpiry.length; i += 2) {
      file.append("""
          ---
          apiVersion: triage.dev/v1alpha1
          kind: Exception
          metadata: {name: %s}
          spec:
            policies:
            - policyName: restricted-security-context
              validations: [0]
            match: {namespaces: [imaging], names: ["scanner-*"]}
            justification: The vendor image runs as root until its next release.
            expires: %s
            approvedBy: ciso@example.org
            ticket: SEC-1
          """.formatted(nameAndExpiry[i], nameAndExpiry[i + 1]));
    }
    Files.writeString(dir.resolve("exceptions.yaml"), file);
  }

  @Test
  void exceptionsListsEachWithItsDaysLeftSoonestFirst(@TempDir Path dir) throws Exception {
    java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
    writeExceptions(dir, "later", today.plusDays(101).toString(), "sooner", today.plusDays(11).toString(),
        "lapsed", today.minusDays(3).toString());
    Run run = run("exceptions", dir.toString());
    assertEquals(0, run.exit(), run.err());
    String[] lines = run.out().split("\n");
    assertTrue(lines[0].startsWith("NAME"), run.out());
    assertTrue(lines[1].matches("lapsed\\s+" + today.minusDays(3) + "\\s+expired\\s+restricted-security-context\\[0\\]"
        + "\\s+ciso@example.org\\s+SEC-1\\s+.*exceptions.yaml:\\d+:1"), lines[1]);
    assertTrue(lines[2].matches("sooner\\s+" + today.plusDays(11) + "\\s+10\\s.*"), lines[2]);
    assertTrue(lines[3].matches("later\\s+" + today.plusDays(101) + "\\s+100\\s.*"), lines[3]);
    assertEquals("3 exceptions, 1 expired, 0 problems", lines[4]);
  }

  @Test
  void lintWarnsOfALapsedExceptionAndRefusesOneWithoutJustification(@TempDir Path dir) throws Exception {
    java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
    writeExceptions(dir, "lapsed", today.minusDays(3).toString());
    Run run = run("lint", dir.toString());
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.err().contains("warning: " + dir.resolve("exceptions.yaml") + ":2:1: Exception lapsed: expired at "
        + today.minusDays(3) + " and admits nothing any more"), run.err());
    assertTrue(run.out().contains("1 exceptions, 0 problems"), run.out());

    Files.writeString(dir.resolve("exceptions.yaml"), Files.readString(dir.resolve("exceptions.yaml"))
        .replaceAll("justification: .*", "").replace(today.minusDays(3).toString(),
            today.plusYears(2).toString()));
    run = run("lint", dir.toString());
    assertEquals(1, run.exit(), run.out());
    assertTrue(run.err().contains("Exception lapsed: spec.justification: is required"), run.err());
    assertTrue(run.err().contains("Exception lapsed: spec.expires: " + today.plusYears(2) + " is more than a year away"),
        run.err());
  }

  @Test
  void testRunsTheShippedRuleCases() {
    Run run = run("test", "rules");
    assertEquals(0, run.exit(), run.out() + run.err());
    assertTrue(run.out().matches("(?s).*\\d+ passed, 0 failed.*"), run.out());
  }

  @Test
  void testFailsWhenACaseFails(@TempDir Path dir) throws Exception {
    Files.copy(Path.of("rules/restricted-security-context.yaml"), dir.resolve("restricted-security-context.yaml"));
    Files.createDirectories(dir.resolve("tests"));
    Files.writeString(dir.resolve("tests/wrong.yaml"), """
        apiVersion: triage.dev/v1alpha1
        kind: RuleTest
        metadata: {name: wrong}
        spec:
          cases:
          - name: a privileged pod is expected to pass (wrongly)
            expect: allow
            object: {apiVersion: v1, kind: Pod, metadata: {name: p},
                     spec: {containers: [{name: c, image: 'x:1', securityContext: {privileged: true}}]}}
        """);
    Run run = run("test", dir.toString());
    assertEquals(1, run.exit());
    assertTrue(run.out().contains("FAIL"), run.out());
    assertTrue(run.out().contains("expected allow, got deny"), run.out());
    assertTrue(run.out().contains("0 passed, 1 failed"), run.out());
  }

  @Test
  void checkAdmitsAWorkloadWhosePdbComesFirstAndShowsTheDiff() {
    Run run = run("check", "--diff", "src/test/resources/manifests/ehr-api.yaml");
    assertEquals(0, run.exit(), run.out() + run.err());
    assertTrue(run.out().contains("ALLOWED Deployment clinical/ehr-api"), run.out());
    assertTrue(run.out().contains("sidecar.istio.io~1inject"), run.out());
    assertTrue(run.out().contains("2 objects, 0 denied"), run.out());
  }

  @Test
  void checkDeniesAPrivilegedPodFromStandardInput() {
    var stdin = System.in;
    try {
      System.setIn(new java.io.ByteArrayInputStream("""
          apiVersion: v1
          kind: Pod
          metadata: {name: debug}
          spec:
            containers:
            - {name: shell, image: 'busybox:1.36', securityContext: {privileged: true}}
          """.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      Run run = run("check", "-");
      assertEquals(1, run.exit(), run.out());
      assertTrue(run.out().contains("DENIED  Pod default/debug"), run.out());
      assertTrue(run.out().contains("container shell sets securityContext.privileged: true"), run.out());
    } finally {
      System.setIn(stdin);
    }
  }

  @Test
  void conformanceFailsBelowTheRecordedFloor(@TempDir Path dir) throws Exception {
    Path cases = dir.resolve("cases.jsonl");
    Files.writeString(cases, """
        {"id":"demo:replicas:00","policy":{"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingAdmissionPolicy","metadata":{"name":"max-replicas"},"spec":{"validations":[{"expression":"object.spec.replicas <= 5"}]}},"params":null,"namespaceObject":null,"request":{"operation":"CREATE","namespace":"default","name":"d","kind":{"group":"apps","version":"v1","kind":"Deployment"},"resource":{"group":"apps","version":"v1","resource":"deployments"},"dryRun":false},"object":{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"replicas":7}},"oldObject":null,"expected":"deny","bindingValidationActions":["Deny"]}
        {"id":"demo:replicas:01","policy":{"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingAdmissionPolicy","metadata":{"name":"max-replicas"},"spec":{"validations":[{"expression":"object.spec.replicas <= 5"}]}},"params":null,"namespaceObject":null,"request":{"operation":"CREATE","namespace":"default","name":"d","kind":{"group":"apps","version":"v1","kind":"Deployment"},"resource":{"group":"apps","version":"v1","resource":"deployments"},"dryRun":false},"object":{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"replicas":7}},"oldObject":null,"expected":"allow","bindingValidationActions":["Deny"]}
        """);
    Path floor = dir.resolve("floor");
    Files.writeString(floor, "1\n");
    Run ok = run("conformance", cases.toString(), "--floor", floor.toString());
    assertEquals(0, ok.exit(), ok.out() + ok.err());
    assertTrue(ok.out().contains("demo            1/   2 agree") || ok.out().contains("1/   2 agree"), ok.out());
    assertTrue(ok.out().contains("disagrees: demo:replicas:01 (expected allow, got deny"), ok.out());
    Files.writeString(floor, "2\n");
    Run dropped = run("conformance", cases.toString(), "--floor", floor.toString());
    assertEquals(1, dropped.exit());
    assertTrue(dropped.err().contains("conformance dropped: 1 cases agree"), dropped.err());
  }
}
