package dev.triage.rules;

import static dev.triage.rules.Rules.binding;
import static dev.triage.rules.Rules.compile;
import static dev.triage.rules.Rules.file;
import static dev.triage.rules.Rules.policy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.triage.yaml.Position;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleErrorsTest {
  private static final String GOOD = policy("good", "validations:\n- expression: object.spec.replicas <= 3");
  private static final String FIELD = "spec.validations[0].expression";

  @TempDir
  Path rules;

  /** The only error of these files. */
  private static RuleError onlyError(String... files) {
    List<RuleError> errors = compile(files).errors();
    assertEquals(1, errors.size(), () -> "errors: " + errors);
    return errors.get(0);
  }

  private static void assertError(String file, Position position, String field, String message, RuleError error) {
    assertEquals(file + " " + position + " " + field, error.file() + " " + error.position() + " " + error.field(),
        error::toString);
    assertTrue(error.message().contains(message), error::toString);
  }

  private RuleSnapshot loadDirectory(String... namesAndTexts) throws IOException {
    for (int i = 0; i < namesAndTexts.length; i += 2) {
      Path file = rules.resolve(namesAndTexts[i]);
      Files.createDirectories(file.getParent());
      Files.writeString(file, namesAndTexts[i + 1]);
    }
    return RuleFiles.load(rules, Rules.COMPILER);
  }

  // policy() writes the header on lines 1-5 and "  validations:" on line 6, so the first
  // validation's "  - expression: " occupies columns 1-16 of line 7.

  @Test
  void celSyntaxErrorInAPlainScalarPointsAtTheToken() {
    // The second '>' is character 24 of the expression, which starts at column 17.
    RuleError error = onlyError(policy("broken", "validations:\n- expression: object.spec.replicas > > 3"));
    assertError("rules-0.yaml", new Position(7, 40), FIELD, "extraneous input '>'", error);
    assertEquals("ValidatingAdmissionPolicy broken", error.rule());
  }

  @Test
  void celSyntaxErrorInAQuotedScalarSkipsTheQuote() {
    // The opening quote is column 17, so the expression starts at column 18.
    assertError("rules-0.yaml", new Position(7, 41), FIELD, "extraneous input '>'",
        onlyError(policy("broken", "validations:\n- expression: \"object.spec.replicas > > 3\"")));
  }

  @Test
  void celSyntaxErrorInABlockScalarCountsLinesOfTheBlock() {
    // Line 7 holds "- expression: |"; the block's lines 8 and 9 are indented 6 columns.
    assertError("rules-0.yaml", new Position(9, 30), FIELD, "extraneous input '>'", onlyError(policy("broken", """
        validations:
        - expression: |
            has(object.spec) &&
            object.spec.replicas > > 3
        """)));
  }

  @Test
  void undeclaredReferenceIsReportedAtTheName() {
    // "limit" is character 24 of the expression.
    RuleError error = onlyError(policy("broken", "validations:\n- expression: object.spec.replicas < limit"));
    assertError("rules-0.yaml", new Position(7, 40), FIELD, "undeclared reference to 'limit'", error);
    assertEquals("rules-0.yaml:7:40: ValidatingAdmissionPolicy broken: spec.validations[0].expression: "
        + error.message(), error.toString());
  }

  @Test
  void errorsInSeveralFieldsAreAllReported() {
    List<RuleError> errors = compile(policy("broken", """
        failurePolicy: Sometimes
        validations:
        - {expression: 'object.kind ==', reason: NotAllowed}
        """)).errors();
    assertEquals(List.of("spec.failurePolicy", FIELD, "spec.validations[0].reason"),
        errors.stream().map(RuleError::field).sorted().toList());
  }

  @Test
  void bindingToAMissingPolicyPointsAtPolicyName() {
    // policyName's value starts at column 15 of line 6.
    assertError("rules-0.yaml", new Position(6, 15), "spec.policyName", "named nowhere",
        onlyError(binding("orphan", "policyName: nowhere\nvalidationActions: [Deny]")));
  }

  @Test
  void bindingToABrokenPolicyReportsOnlyThePolicy() {
    RuleError error = onlyError(file(policy("broken", "validations:\n- expression: object.spec.replicas > > 3"),
        binding("broken-binding", "policyName: broken\nvalidationActions: [Deny]")));
    assertEquals(FIELD, error.field());
  }

  @Test
  void bindingWithDenyAndWarnIsRejected() {
    RuleError error = onlyError(file(GOOD, binding("loud", "policyName: good\nvalidationActions: [Deny, Warn]")));
    assertEquals("spec.validationActions", error.field());
  }

  @Test
  void unknownKindIsReportedAndSkipped() {
    RuleSnapshot snapshot = compile(file(GOOD, "{apiVersion: v1, kind: ConfigMap, metadata: {name: settings}}\n"));
    assertEquals(1, snapshot.errors().size());
    RuleError error = snapshot.errors().get(0);
    // GOOD takes lines 1-7 and the separator line 8; the ConfigMap document starts on line 9.
    assertError("rules-0.yaml", new Position(9, 1), "kind", "\"v1 ConfigMap\" is neither", error);
    assertEquals(1, snapshot.policyCount());
  }

  @Test
  void aBrokenPolicyDoesNotStopTheNextDocument() {
    RuleSnapshot snapshot = compile(file(policy("broken", "validations:\n- expression: '1 +'"), GOOD));
    assertEquals(1, snapshot.errors().size());
    assertEquals(List.of("good"), snapshot.validating().stream().map(b -> b.base().name()).toList());
  }

  @Test
  void aSecondPolicyWithTheSameNameIsRejected() {
    RuleSnapshot snapshot = compile(GOOD, GOOD);
    assertEquals("metadata.name", snapshot.errors().get(0).field());
    assertEquals("rules-1.yaml", snapshot.errors().get(0).file());
    assertEquals(1, snapshot.validating().size());
  }

  @Test
  void brokenYamlFileIsReportedWithLineAndColumnWhileOtherFilesLoad() throws IOException {
    // Line 5 is indented one column deeper than "name", so its ':' (column 10) ends a plain scalar.
    RuleSnapshot snapshot = loadDirectory(
        "a-broken.yaml", "apiVersion: v1\nkind: X\nmetadata:\n  name: a\n   labels: {}\n",
        "b-good.yaml", GOOD);
    assertEquals(1, snapshot.errors().size(), snapshot.errors()::toString);
    assertError(rules.resolve("a-broken.yaml").toString(), new Position(5, 10), "", "mapping values are not allowed",
        snapshot.errors().get(0));
    assertEquals(1, snapshot.policyCount());
  }

  @Test
  void duplicateKeyIsReportedAtTheSecondKey() throws IOException {
    String duplicated = policy("twice", "validations:\n- expression: 'true'\nfailurePolicy: Fail\n"
        + "failurePolicy: Ignore");
    RuleSnapshot snapshot = loadDirectory("twice.yaml", duplicated, "good.yml", GOOD);
    assertError(rules.resolve("twice.yaml").toString(), new Position(9, 3), "", "duplicate key failurePolicy",
        snapshot.errors().get(0));
    assertEquals(1, snapshot.policyCount());
  }

  @Test
  void testFoldersHiddenFoldersAndOtherFilesAreNotRules() throws IOException {
    String broken = "kind: [unclosed\n";
    RuleSnapshot snapshot = loadDirectory(
        "good.yaml", GOOD,
        "tests/good-cases.yaml", broken,
        "..2026_11_21_07_00_00.123/good.yaml", broken,
        "..data/good.yaml", broken,
        "team/.draft.yaml", broken,
        "README.md", broken);
    assertEquals(List.of(), snapshot.errors());
    assertEquals(1, snapshot.policyCount());
  }

  @Test
  void rulesInSubfoldersAreLoaded() throws IOException {
    RuleSnapshot snapshot = loadDirectory("good.yaml", GOOD,
        "team-a/limit.yml", policy("team-a-limit", "validations:\n- expression: 'true'"));
    assertEquals(List.of(), snapshot.errors());
    assertEquals(2, snapshot.policyCount());
  }

  @Test
  void aFileThatIsNotUtf8IsReported() throws IOException {
    Files.write(rules.resolve("latin1.yaml"), "metadata: {name: caf\u00e9}\n".getBytes(StandardCharsets.ISO_8859_1));
    RuleSnapshot snapshot = RuleFiles.load(rules, Rules.COMPILER);
    assertEquals(1, snapshot.errors().size());
    assertTrue(snapshot.errors().get(0).message().contains("UTF-8"));
  }

  @Test
  void aMissingDirectoryIsAnError() {
    RuleSnapshot snapshot = RuleFiles.load(rules.resolve("absent"), Rules.COMPILER);
    assertTrue(snapshot.errors().get(0).message().contains("no such directory"));
  }
}
