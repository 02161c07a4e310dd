package dev.triage.rules;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.checker.CelStandardDeclarations;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeLibrary;
import dev.cel.runtime.RuntimeEquality;
import dev.cel.runtime.RuntimeHelpers;
import dev.triage.cel.Bindings;
import dev.triage.cel.ExpressionCompiler;
import dev.triage.cel.Limits;
import dev.cel.common.types.CelType;
import java.util.List;
import java.util.Map;
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

  private final Cel cel;
  private final ExpressionCompiler compiler;
  private final RuntimeComparison comparison;

  private final boolean compile;

  public CelEnvironment() {
    this(null, true);
  }

  /**
   * An environment that evaluates every expression with dev.cel's interpreter: what Triage did
   * before it had its own runtime, kept for benchmarks that measure the difference.
   */
  public static CelEnvironment interpreterOnly() {
    return new CelEnvironment(null, false);
  }

  /**
   * An environment whose expressions run on both runtimes and report each pair of results to
   * {@code comparison}; what they answer is the compiled runtime's.
   */
  public static CelEnvironment comparing(RuntimeComparison comparison) {
    return new CelEnvironment(comparison, true);
  }

  private CelEnvironment(Cel cel, ExpressionCompiler compiler, RuntimeComparison comparison, boolean compile) {
    this.cel = cel;
    this.compiler = compiler;
    this.comparison = comparison;
    this.compile = compile;
  }

  /** This environment with more variables declared: what the CEL specification's own tests need. */
  public CelEnvironment withVariables(Map<String, CelType> variables) {
    var builder = cel.toCelBuilder();
    variables.forEach(builder::addVar);
    return new CelEnvironment(builder.build(), compiler, comparison, compile);
  }

  private CelEnvironment(RuntimeComparison comparison, boolean compile) {
    this.comparison = comparison;
    this.compile = compile;
    CelOptions options = options();
    List<CelRuntimeLibrary> runtimeLibraries = List.of(CelExtensions.optional(), CelExtensions.strings(),
        CelExtensions.sets(options), CelExtensions.comprehensions(), KubernetesCelLibrary.INSTANCE,
        TriageCelLibrary.INSTANCE);
    var builder = CelFactory.standardCelBuilder()
        .setOptions(options)
        // The standard environment, but matches() compiles each pattern once rather than on every call.
        .setStandardEnvironmentEnabled(false)
        .setStandardDeclarations(CelStandardDeclarations.newBuilder().build())
        .setStandardFunctions(CachedMatches.STANDARD_FUNCTIONS)
        .addFunctionBindings(CachedMatches.bindings(MAX_REGEX_PROGRAM_SIZE))
        .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
        .addCompilerLibraries(CelExtensions.optional(), CelExtensions.strings(), CelExtensions.sets(options),
            CelExtensions.comprehensions(), KubernetesCelLibrary.INSTANCE, TriageCelLibrary.INSTANCE)
        .addRuntimeLibraries(runtimeLibraries)
        .addVar("variables", MapType.create(SimpleType.STRING, SimpleType.DYN))
        .addVar("cluster", MapType.create(SimpleType.STRING, SimpleType.DYN));
    for (String name : VARIABLES) {
      builder.addVar(name, SimpleType.DYN);
    }
    this.cel = builder.build();
    // The compiled runtime calls, for what it does not implement itself, the implementations dev.cel would.
    RuntimeEquality equality = RuntimeEquality.create(RuntimeHelpers.create(), options);
    Bindings bindings = Bindings.of(runtimeLibraries, equality, options,
        CachedMatches.STANDARD_FUNCTIONS.newFunctionBindings(equality, options),
        CachedMatches.bindings(MAX_REGEX_PROGRAM_SIZE));
    this.compiler = new ExpressionCompiler(bindings, new Limits(MAX_ITERATIONS, Expression.MAX_NODES),
        MAX_REGEX_PROGRAM_SIZE);
  }

  private static CelOptions options() {
    return CelOptions.current()
        .enableOptionalSyntax(true)
        .enableHeterogeneousNumericComparisons(true)
        .comprehensionMaxIterations(MAX_ITERATIONS)
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
    CelRuntime.Program interpreted;
    try {
      interpreted = cel.createProgram(ast);
    } catch (CelEvaluationException e) {
      throw new IllegalStateException("checked expression could not be planned: " + e.getMessage(), e);
    }
    if (!compile) {
      return new Expression(text, null, interpreted, "interpreter only", null);
    }
    try {
      return new Expression(text, compiler.compile(ast), interpreted, null, comparison);
    } catch (ExpressionCompiler.Unsupported e) {
      if (comparison != null) {
        comparison.interpreted(text, e.getMessage());
      }
      return new Expression(text, null, interpreted, e.getMessage(), null);
    }
  }
}
