package dev.triage.cel;

import static dev.triage.cel.TestCel.eval;
import static dev.triage.cel.TestCel.evalError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ListFunctionsTest {

  @Test
  void isSorted() {
    assertEquals(true, eval("[1, 2, 3].isSorted()"));
    assertEquals(true, eval("['a', 'b', 'b', 'c'].isSorted()"));
    assertEquals(false, eval("[2.0, 1.0].isSorted()"));
    assertEquals(true, eval("[1].isSorted()"));
    assertEquals(true, eval("[].isSorted()"));
    assertEquals(true, eval("[false, true].isSorted()"));
  }

  @Test
  void sum() {
    assertEquals(4L, eval("[1, 3].sum()"));
    assertEquals(4.0, eval("[1.0, 3.0].sum()"));
    assertEquals(0L, eval("[].sum()"));
    assertEquals(Duration.ofSeconds(61), eval("[duration('1m'), duration('1s')].sum()"));
    assertEquals(6L, eval("object.items.sum()", Map.of("object", Map.of("items", List.of(1L, 2L, 3L)))));
    assertEquals(6L, eval("object.items.map(i, i.n).sum()",
        Map.of("object", Map.of("items", List.of(Map.of("n", 1L), Map.of("n", 5L))))));
  }

  @Test
  void sumErrors() {
    assertTrue(evalError("[9223372036854775807, 1].sum()").getMessage().contains("overflow"));
    assertTrue(evalError("['a', 'b'].sum()").getMessage().contains("no such overload"));
    assertTrue(evalError("object.items.sum()", Map.of("object", Map.of("items", List.of(1L, 2.5))))
        .getMessage().contains("no such overload"));
  }

  @Test
  void minAndMax() {
    assertEquals(1L, eval("[1, 3].min()"));
    assertEquals(3L, eval("[1, 3].max()"));
    assertEquals(1L, eval("[1].min()"));
    assertEquals(0L, eval("([0] + []).min()"));
    assertEquals("a", eval("['b', 'a', 'c'].min()"));
    assertEquals(2.5, eval("object.v.max()", Map.of("object", Map.of("v", List.of(1L, 2.5, 2L)))));
    assertTrue(evalError("[].min()").getMessage().contains("min called on empty list"));
    assertTrue(evalError("[].max()").getMessage().contains("max called on empty list"));
    assertTrue(evalError("object.v.max()", Map.of("object", Map.of("v", List.of(1L, "a"))))
        .getMessage().contains("cannot compare"));
  }

  @Test
  void indexOf() {
    assertEquals(1L, eval("[1, 2, 2, 3].indexOf(2)"));
    assertEquals(2L, eval("['a', 'b', 'b', 'c'].lastIndexOf('b')"));
    assertEquals(-1L, eval("[1.0].indexOf(1.1)"));
    assertEquals(-1L, eval("[].indexOf('string')"));
    assertEquals(0L, eval("object.v.indexOf(1)", Map.of("object", Map.of("v", List.of(1.0)))));
    assertEquals(1L, eval("object.v.indexOf({'a': 1})",
        Map.of("object", Map.of("v", List.of(Map.of("a", 2L), Map.of("a", 1L))))));
    // The strings extension's indexOf still works next to the list overload.
    assertEquals(1L, eval("'abc'.indexOf('b')"));
    assertEquals(1L, eval("object.s.indexOf('b')", Map.of("object", Map.of("s", "abc"))));
  }
}
