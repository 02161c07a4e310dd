package dev.triage.cel;

import static dev.triage.cel.TestCel.eval;
import static dev.triage.cel.TestCel.evalError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegexFunctionsTest {

  @Test
  void find() {
    assertEquals("123", eval("'abc 123'.find('[0-9]+')"));
    assertEquals("", eval("'abc 123'.find('xyz')"));
    // An empty first match is a match: Go's FindString returns "" here too.
    assertEquals("", eval("'abc 123'.find('[0-9]*')"));
    assertEquals("v1", eval("object.apiVersion.find('v[0-9]+')", Map.of("object", Map.of("apiVersion", "apps/v1"))));
  }

  @Test
  void findAll() {
    assertEquals(List.of("123", "456"), eval("'123 abc 456'.findAll('[0-9]+')"));
    assertEquals(List.of("123"), eval("'123 abc 456'.findAll('[0-9]+', 1)"));
    assertEquals(List.of(), eval("'123 abc 456'.findAll('[0-9]+', 0)"));
    assertEquals(List.of("123", "456"), eval("'123 abc 456'.findAll('[0-9]+', -1)"));
    assertEquals(List.of(), eval("'123 abc 456'.findAll('xyz')"));
  }

  @Test
  void findAllSkipsEmptyMatchesRightAfterAMatchLikeGo() {
    // Go: ["123" "" "" "" "" "456"]; a Java find() loop would also report "" at 3 and at the end.
    assertEquals(List.of("123", "", "", "", "", "456"), eval("'123 abc 456'.findAll('[0-9]*')"));
    assertEquals(List.of("", "", ""), eval("'ab'.findAll('x*')"));
    assertEquals(List.of("", "", ""), eval("'é😀'.findAll('x*')")); // steps by code point
  }

  @Test
  void invalidPatternIsAnError() {
    assertTrue(evalError("'abc'.find('(')").getMessage().contains("Illegal regex"));
    assertTrue(evalError("'abc'.findAll('[a-')").getMessage().contains("Illegal regex"));
  }

  @Test
  void compiledPatternsAreCachedAndBounded() {
    PatternCache cache = new PatternCache(2);
    assertSame(cache.get("a+"), cache.get("a+"));
    cache.get("b+");
    cache.get("c+");
    assertEquals(2, cache.size());
  }
}
