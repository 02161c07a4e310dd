package dev.triage.cel;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import java.util.HashMap;
import java.util.Map;

/** The CEL environment the admission engine builds, for evaluating expressions in tests. */
final class TestCel {

  static final CelOptions OPTIONS =
      CelOptions.current()
          .enableOptionalSyntax(true)
          .enableHeterogeneousNumericComparisons(true)
          .comprehensionMaxIterations(100_000)
          .maxRegexProgramSize(10_000)
          .build();

  static final Cel CEL = build(KubernetesCelLibrary.INSTANCE);

  private TestCel() {}

  static Cel build(KubernetesCelLibrary library) {
    return CelFactory.standardCelBuilder()
        .setOptions(OPTIONS)
        .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
        .addCompilerLibraries(CelExtensions.optional(), CelExtensions.strings(), library)
        .addRuntimeLibraries(CelExtensions.optional(), CelExtensions.strings(), library)
        .addVar("object", SimpleType.DYN)
        .addVar("oldObject", SimpleType.DYN)
        .addVar("params", SimpleType.DYN)
        .addVar("request", SimpleType.DYN)
        .addVar("variables", SimpleType.DYN)
        .build();
  }

  static Object eval(String expression) {
    return eval(CEL, expression, Map.of());
  }

  static Object eval(String expression, Map<String, ?> vars) {
    return eval(CEL, expression, vars);
  }

  static Object eval(Cel cel, String expression, Map<String, ?> vars) {
    try {
      CelAbstractSyntaxTree ast = cel.compile(expression).getAst();
      return cel.createProgram(ast).eval(new HashMap<>(vars));
    } catch (CelValidationException | CelEvaluationException e) {
      throw new AssertionError(expression + ": " + e.getMessage(), e);
    }
  }

  /** Evaluates an expression that must compile but fail at evaluation. */
  static CelEvaluationException evalError(String expression) {
    return evalError(expression, Map.of());
  }

  static CelEvaluationException evalError(String expression, Map<String, ?> vars) {
    CelAbstractSyntaxTree ast;
    try {
      ast = CEL.compile(expression).getAst();
    } catch (CelValidationException e) {
      throw new AssertionError(expression + " did not compile: " + e.getMessage(), e);
    }
    return assertThrows(
        CelEvaluationException.class, () -> CEL.createProgram(ast).eval(new HashMap<>(vars)));
  }

  /** Compiles an expression that must be rejected by the type checker or parser. */
  static CelValidationException compileError(String expression) {
    return assertThrows(CelValidationException.class, () -> CEL.compile(expression).getAst());
  }
}
