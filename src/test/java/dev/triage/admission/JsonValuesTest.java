package dev.triage.admission;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cel.common.values.NullValue;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonValuesTest {
  private static Object read(String json) throws IOException {
    return JsonValues.read(json.getBytes(UTF_8));
  }

  @Test
  void valuesAreTheTypesCelEvaluates() throws IOException {
    Map<?, ?> map = (Map<?, ?>) read("{\"i\":-7,\"f\":1.5,\"s\":\"x\",\"b\":true,\"n\":null,\"l\":[1,\"a\"]}");
    assertEquals(-7L, map.get("i"));
    assertEquals(1.5, map.get("f"));
    assertEquals("x", map.get("s"));
    assertEquals(Boolean.TRUE, map.get("b"));
    assertEquals(NullValue.NULL_VALUE, map.get("n"));
    assertEquals(List.of(1L, "a"), map.get("l"));
    assertEquals(List.of("i", "f", "s", "b", "n", "l"), List.copyOf(map.keySet()), "key order is kept");
  }

  @Test
  void integersBeyondInt64BecomeDoubles() throws IOException {
    assertEquals(Long.MAX_VALUE, read(Long.toString(Long.MAX_VALUE)));
    assertEquals(1e20, read("100000000000000000000"));
  }

  @Test
  void nullIsRecognisedInBothForms() {
    assertTrue(JsonValues.isNull(null));
    assertTrue(JsonValues.isNull(NullValue.NULL_VALUE));
  }

  @Test
  void emptyInputAndTrailingContentAreErrors() {
    assertThrows(IOException.class, () -> read("   "));
    IOException trailing = assertThrows(IOException.class, () -> read("{} {}"));
    assertTrue(trailing.getMessage().endsWith("line 1, column 4"), "where the second value starts: "
        + trailing.getMessage());
  }

  @Test
  void nestingBeyondTheLimitIsAnErrorNotAStackOverflow() throws IOException {
    String deepest = "[".repeat(JsonValues.MAX_DEPTH) + "]".repeat(JsonValues.MAX_DEPTH);
    assertTrue(read(deepest) instanceof List<?>);
    assertThrows(IOException.class, () -> read("[" + deepest + "]"));
  }
}
