package dev.triage.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cel.common.values.NullValue;
import dev.cel.runtime.CelEvaluationException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What Kubernetes' CEL environment has and does, on the compiled runtime: two-variable
 * comprehensions, the sets library, and cel-go's behaviour where dev.cel's differs
 * (docs/conformance.md).
 */
class KubernetesCelTest {
  private static final CelEnvironment CEL = new CelEnvironment();
  private static final Map<String, Object> OBJECT = Map.of("spec", Map.of("x", NullValue.NULL_VALUE, "s", "text",
      "labels", Map.of("app", "ehr", "team", "records")));

  private static Object eval(String text) throws Exception {
    Expression expression = CEL.compile(text);
    assertTrue(expression.isCompiled(), () -> text + " runs on the interpreter: " + expression.fallbackReason());
    return expression.eval(name -> Optional.ofNullable(name.equals("object") ? OBJECT : null), Long.MAX_VALUE / 2);
  }

  @Test
  void twoVariableComprehensions() throws Exception {
    assertEquals(true, eval("[1, 2, 3].all(i, v, v == i + 1)"));
    assertEquals(true, eval("object.spec.labels.exists(k, v, k == 'team' && v == 'records')"));
    assertEquals(List.of(0L, 2L, 6L), eval("[1, 2, 3].transformList(i, v, i * v)"));
    assertEquals(Map.of("app", "EHR", "team", "RECORDS"), eval("object.spec.labels.transformMap(k, v, v.upperAscii())"));
  }

  @Test
  void theSetsLibrary() throws Exception {
    assertEquals(true, eval("sets.contains(['a', 'b', 'c'], ['c', 'a'])"));
    assertEquals(false, eval("sets.intersects([1, 2], [3])"));
    assertEquals(true, eval("sets.equivalent([1, 1, 2], [2, 1])"));
  }

  @Test
  void doublesAreWrittenAsGoWritesThem() throws Exception {
    assertEquals("1", eval("string(1.0)"));
    assertEquals("1e+20", eval("string(1e20)"));
    assertEquals("1e-07", eval("string(1e-7)"));
    assertEquals("0.1", eval("string(0.1)"));
    assertEquals("123456", eval("string(123456.0)"));
    assertEquals("1.5e+06", eval("string(1500000.0)"));
  }

  @Test
  void aNonBoolOperandIsAnErrorTheOtherSideMayAbsorb() throws Exception {
    assertEquals(true, eval("dyn(1) || true"));
    assertEquals(false, eval("false && dyn('x')"));
    assertThrows(CelEvaluationException.class, () -> eval("dyn(1) || false"));
  }

  @Test
  void anOptionalFieldOfSomethingThatIsNotAMapIsNone() throws Exception {
    assertEquals(Optional.empty(), eval("object.spec.x.?y"));
    assertEquals(Optional.empty(), eval("object.spec.s.?y"));
    assertEquals("none", eval("object.spec.x.?y.orValue('none')"));
  }

  @Test
  void theSmallestIntModuloMinusOneOverflows() {
    CelEvaluationException error = assertThrows(CelEvaluationException.class,
        () -> eval("-9223372036854775807 - 1 == 0 || (-9223372036854775807 - 1) % -1 == 0"));
    assertTrue(error.getMessage().contains("overflow"), error.getMessage());
  }

  @Test
  void stringsOrderByCodePoint() throws Exception {
    assertEquals(true, eval("'\\uFFFF' < '\\U0001F600'"));
    assertEquals(true, eval("'a' < 'b' && 'B' < 'a'"));
  }
}
