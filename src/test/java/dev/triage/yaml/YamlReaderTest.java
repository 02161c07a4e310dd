package dev.triage.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cel.common.values.NullValue;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class YamlReaderTest {
  private static List<SourceDocument> read(String text) throws YamlException {
    return YamlReader.read("rules.yaml", text);
  }

  private static YamlException rejected(String text) {
    return assertThrows(YamlException.class, () -> read(text));
  }

  private static void assertRejectedAt(Position position, String problem, String text) {
    YamlException e = rejected(text);
    assertEquals(position, e.position(), e::getMessage);
    assertTrue(e.problem().contains(problem), e::getMessage);
    assertTrue(e.getMessage().startsWith("rules.yaml:" + position + ": "), e.getMessage());
  }

  @Test
  void plainScalarsTakeKubernetesTypes() throws YamlException {
    Map<String, Object> content = read("""
        count: 3
        hex: 0x1F
        ratio: 0.25
        enabled: true
        nothing: null
        tilde: ~
        quoted: "3"
        single: 'true'
        block: |
          3
        word: Fail
        """).get(0).content();
    assertEquals(3L, content.get("count"));
    assertEquals(31L, content.get("hex"));
    assertEquals(0.25, content.get("ratio"));
    assertEquals(Boolean.TRUE, content.get("enabled"));
    assertEquals(NullValue.NULL_VALUE, content.get("nothing"));
    assertEquals(NullValue.NULL_VALUE, content.get("tilde"));
    assertEquals("3", content.get("quoted"));
    assertEquals("true", content.get("single"));
    assertEquals("3\n", content.get("block"));
    assertEquals("Fail", content.get("word"));
  }

  @Test
  void integersFollowYaml11AsKubernetesReadsThem() throws YamlException {
    Map<String, Object> content = read("""
        octal: 0644
        binary: 0b1010
        negativeHex: -0x1F
        signed: +12
        underscores: 1_000
        zero: 0
        time: 12:30
        """).get(0).content();
    assertEquals(420L, content.get("octal"), "defaultMode: 0644 means rw-r--r--");
    assertEquals(10L, content.get("binary"));
    assertEquals(-31L, content.get("negativeHex"));
    assertEquals(12L, content.get("signed"));
    assertEquals(1000L, content.get("underscores"));
    assertEquals(0L, content.get("zero"));
    assertEquals("12:30", content.get("time"), "base 60 numbers stay strings");
  }

  @Test
  void documentsAreNumberedAndEmptyOnesSkipped() throws YamlException {
    List<SourceDocument> documents = read("kind: A\n---\n---\nkind: B\n");
    assertEquals(List.of("A", "B"), documents.stream().map(SourceDocument::kind).toList());
    assertEquals(List.of(0, 2), documents.stream().map(SourceDocument::index).toList());
    assertEquals(new Position(4, 1), documents.get(1).start());
  }

  @Test
  void scalarPositionsPointAtTheValueText() throws YamlException {
    SourceDocument document = read("""
        spec:
          plain: a > b
          quoted: "a > b"
          list:
          - |
            a >
            b
        """).get(0);
    assertEquals(new ScalarPlace(new Position(2, 10), false), document.places().get("/spec/plain"));
    assertEquals(new ScalarPlace(new Position(3, 12), false), document.places().get("/spec/quoted"),
        "after the opening quote");
    assertEquals(new ScalarPlace(new Position(6, 5), true), document.places().get("/spec/list/0"),
        "the first line of the block, at its indentation");
    assertEquals(new Position(7, 6), document.places().get("/spec/list/0").locate(2, 2));
    assertEquals(new Position(1, 1), document.positionOf("/spec/absent"), "unknown pointers give the document start");
  }

  @Test
  void keysWithSlashesAreEscapedInPointers() throws YamlException {
    SourceDocument document = read("labels:\n  app.kubernetes.io/name: web\n").get(0);
    assertEquals(new Position(2, 27), document.positionOf("/labels/app.kubernetes.io~1name"));
  }

  @Test
  void badIndentationIsReportedWithLineAndColumn() {
    // "labels" is indented deeper than "name", so it continues the plain scalar "a" and its ':' is illegal.
    assertRejectedAt(new Position(5, 10), "mapping values are not allowed here",
        "apiVersion: v1\nkind: X\nmetadata:\n  name: a\n   labels: {}\n");
  }

  @Test
  void dedentedKeyIsReportedWhereItStarts() {
    assertRejectedAt(new Position(4, 2), "expected <block end>",
        "spec:\n  validations:\n  - expression: 'true'\n failurePolicy: Fail\n");
  }

  @Test
  void duplicateKeysAreRejectedAtTheSecondKey() {
    assertRejectedAt(new Position(3, 3), "duplicate key name", "metadata:\n  name: a\n  name: b\n");
  }

  @Test
  void aDocumentThatIsNotAMappingIsRejected() {
    assertRejectedAt(new Position(3, 1), "document 2 is not a mapping", "kind: A\n---\n- a list\n");
  }

  @Test
  void nonScalarKeysAreRejected() {
    assertRejectedAt(new Position(1, 3), "mapping keys must be strings", "? [a, b]\n: c\n");
  }

  @Test
  void unclosedFlowCollectionIsRejected() {
    YamlException e = rejected("kind: [unclosed\n");
    assertEquals("rules.yaml", e.file());
    assertEquals(2, e.position().line(), e::getMessage);
  }

  @Test
  void anIntegerTooLargeForInt64IsAnError() {
    assertRejectedAt(new Position(1, 8), "number out of range", "count: 99999999999999999999\n");
  }

  @Test
  void javaClassTagsAreRejected() {
    assertRejectedAt(new Position(1, 4), "Global tag is not allowed",
        "x: !!javax.script.ScriptEngineManager [bad]\n");
  }
}
