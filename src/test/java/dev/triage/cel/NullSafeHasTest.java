package dev.triage.cel;

import static dev.triage.cel.TestCel.eval;
import static dev.triage.cel.TestCel.evalError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cel.bundle.Cel;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.values.NullValue;
import dev.cel.runtime.CelEvaluationException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NullSafeHasTest {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.USE_LONG_FOR_INTS);

  private static Map<String, Object> vars(String objectJson, Object params) throws Exception {
    Map<String, Object> vars = new HashMap<>();
    vars.put("object", dev.triage.admission.JsonValues.read(objectJson.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    vars.put("params", params == null ? NullValue.NULL_VALUE : params);
    return vars;
  }

  @Test
  void falseWhenTheOperandIsNullOrAScalar() throws Exception {
    Map<String, Object> vars =
        vars("{\"metadata\":{\"labels\":{\"app\":\"a\"}},\"spec\":null,\"name\":\"x\",\"n\":3}", null);
    assertEquals(false, eval("has(object.spec.x)", vars));
    assertEquals(false, eval("has(params.x)", vars));
    assertEquals(false, eval("has(object.name.x)", vars));
    assertEquals(false, eval("has(object.n.x)", vars));
  }

  @Test
  void mapsKeepTheStandardPresenceTest() throws Exception {
    Map<String, Object> vars = vars("{\"metadata\":{\"labels\":{\"app\":\"a\"}},\"spec\":{}}", Map.of("x", 1L));
    assertEquals(true, eval("has(object.metadata.labels)", vars));
    assertEquals(true, eval("has(object.metadata.labels.app)", vars));
    assertEquals(false, eval("has(object.metadata.annotations)", vars));
    assertEquals(false, eval("has(object.spec.replicas)", vars));
    assertEquals(true, eval("has(params.x)", vars));
    assertEquals(true, eval("has(object.metadata) && object.metadata.labels.app == 'a'", vars));
    assertEquals(true, eval("[{'a': 1}, {'b': 2}].exists(m, has(m.a))", vars));
    assertEquals(false, eval("[{'a': 1}, {'b': 2}].all(m, has(m.a))", vars));
  }

  @Test
  void errorsFurtherUpTheOperandAreStillErrors() throws Exception {
    Map<String, Object> vars = vars("{\"metadata\":{}}", null);
    assertTrue(evalError("has(object.spec.x)", vars).getMessage().contains("spec"));
  }

  @Test
  void hasWithoutAFieldSelectionIsACompileError() {
    assertTrue(TestCel.compileError("has(object)").getMessage().contains("invalid argument to has() macro"));
  }

  @Test
  void theStandardMacroFailsOnNullAndStrings() throws Exception {
    Cel standard = TestCel.build(KubernetesCelLibrary.WITHOUT_NULL_SAFE_HAS);
    Map<String, Object> vars = new HashMap<>();
    vars.put("object", Map.of("spec", NullValue.NULL_VALUE, "name", "x"));
    for (String expr : new String[] {"has(object.spec.x)", "has(object.name.x)"}) {
      CelAbstractSyntaxTree ast = standard.compile(expr).getAst();
      CelEvaluationException e =
          assertThrows(CelEvaluationException.class, () -> standard.createProgram(ast).eval(vars));
      assertTrue(e.getMessage().contains("Field selections must be performed on messages or maps"));
    }
  }

  @Test
  void helperRecognisesContainers() {
    assertEquals(true, NullSafeHas.isContainer(Map.of()));
    assertEquals(false, NullSafeHas.isContainer(NullValue.NULL_VALUE));
    assertEquals(false, NullSafeHas.isContainer("s"));
  }
}
