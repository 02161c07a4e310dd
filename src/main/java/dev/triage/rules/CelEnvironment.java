package dev.triage.rules;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.checker.CelStandardDeclarations;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.triage.cel.CachedMatches;
import dev.triage.cel.KubernetesCelLibrary;
import dev.triage.cel.TriageCelLibrary;

/**
 * The CEL environment of admission policies, as Kubernetes defines it: standard macros,
 * optional types, the strings extension and the Kubernetes libraries, with every input typed
 * {@code dyn} (objects are evaluated as parsed JSON maps). Triage adds {@code cluster}
 * ({@code cluster.podDisruptionBudgets}: those in the request's namespace) and the functions of
 * {@link TriageCelLibrary}. Limits keep a hostile rule from
 * stalling the server.
 */
public final class CelEnvironment {
  /** Iterations one comprehension may take; Kubernetes' cost budget allows about this much. */
  public static final int MAX_ITERATIONS = 100_000;
  /** Longest expression accepted, in code points (Kubernetes' own limit is 5 KiB for most fields). */
  public static final int MAX_EXPRESSION_LENGTH = 10_000;

  /** Largest compiled regex program a rule may use. */
  public static final int MAX_REGEX_PROGRAM_SIZE = 10_000;

  public static final String[] VARIABLES = {"object", "oldObject", "request", "params", "namespaceObject"};

  /**
   * Comprehension iterations one evaluation may take on its unguarded first try (see
   * {@link Expression}), nested ones included. With {@link #MAX_FAST_NODES} that bounds a try to
   * about a million node visits (a tenth of a second) before the guarded evaluation takes over;
   * the shipped rules need a few hundred iterations at most, even on a 100 KB Deployment.
   */
  public static final int FAST_ITERATIONS = 2_000;

  /** Expressions larger than this are always evaluated guarded: their unguarded try would be too long. */
  public static final int MAX_FAST_NODES = 500;

  private final Cel cel;
  /** The same runtime with {@link #FAST_ITERATIONS}: no second compiler, no second set of bindings. */
  private final CelRuntime fast;

  public CelEnvironment() {
    var builder = CelFactory.standardCelBuilder()
        .setOptions(options(MAX_ITERATIONS))
        // The standard environment, but matches() compiles each pattern once rather than on every call.
        .setStandardEnvironmentEnabled(false)
        .setStandardDeclarations(CelStandardDeclarations.newBuilder().build())
        .setStandardFunctions(CachedMatches.STANDARD_FUNCTIONS)
        .addFunctionBindings(CachedMatches.bindings(MAX_REGEX_PROGRAM_SIZE))
        .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
        .addCompilerLibraries(CelExtensions.optional(), CelExtensions.strings(), KubernetesCelLibrary.INSTANCE,
            TriageCelLibrary.INSTANCE)
        .addRuntimeLibraries(CelExtensions.optional(), CelExtensions.strings(), KubernetesCelLibrary.INSTANCE,
            TriageCelLibrary.INSTANCE)
        .addVar("variables", MapType.create(SimpleType.STRING, SimpleType.DYN))
        .addVar("cluster", MapType.create(SimpleType.STRING, SimpleType.DYN));
    for (String name : VARIABLES) {
      builder.addVar(name, SimpleType.DYN);
    }
    this.cel = builder.build();
    this.fast = cel.toRuntimeBuilder().setOptions(options(FAST_ITERATIONS)).build();
  }

  private static CelOptions options(int maxIterations) {
    return CelOptions.current()
        .enableOptionalSyntax(true)
        .enableHeterogeneousNumericComparisons(true)
        .comprehensionMaxIterations(maxIterations)
        .maxExpressionCodePointSize(MAX_EXPRESSION_LENGTH)
        .maxRegexProgramSize(MAX_REGEX_PROGRAM_SIZE)
        .build();
  }

  /**
   * Parses, checks and plans an expression.
   *
   * @throws CelValidationException with issues carrying line and column within {@code text}
   */
  public Expression compile(String text) throws CelValidationException {
    return plan(text, cel.compile(text).getAst());
  }

  /**
   * Compiles a mutation: like {@link #compile}, but typed literals ({@code Object{...}},
   * {@code JSONPatch{...}}) build plain maps.
   */
  public Expression compileMutation(String text) throws CelValidationException {
    CelAbstractSyntaxTree parsed = cel.parse(text).getAst();
    return plan(text, cel.check(ObjectLiterals.toMaps(parsed)).getAst());
  }

  private Expression plan(String text, CelAbstractSyntaxTree ast) {
    try {
      long nodes = CelNavigableAst.fromAst(ast).getRoot().allNodes().count();
      return new Expression(text, nodes <= MAX_FAST_NODES ? fast.createProgram(ast) : null, cel.createProgram(ast));
    } catch (CelEvaluationException e) {
      throw new IllegalStateException("checked expression could not be planned: " + e.getMessage(), e);
    }
  }
}
