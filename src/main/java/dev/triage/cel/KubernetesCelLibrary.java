package dev.triage.cel;

import dev.cel.checker.CelCheckerBuilder;
import dev.cel.common.CelFunctionDecl;
import dev.cel.compiler.CelCompilerLibrary;
import dev.cel.parser.CelParserBuilder;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntimeBuilder;
import dev.cel.runtime.CelRuntimeLibrary;
import java.util.ArrayList;
import java.util.List;

/**
 * The Kubernetes CEL function libraries (quantity, regex, lists, URLs, IP and CIDR) for CEL-Java,
 * with the function names, overload ids, types and semantics of {@code
 * k8s.io/apiserver/pkg/cel/library}, plus a {@code has()} macro that returns false on non-map
 * operands as cel-go does.
 *
 * <p>Register it as both a compiler and a runtime library:
 *
 * <pre>{@code
 * CelFactory.standardCelBuilder()
 *     .addCompilerLibraries(KubernetesCelLibrary.INSTANCE)
 *     .addRuntimeLibraries(KubernetesCelLibrary.INSTANCE)
 * }</pre>
 *
 * <p>As a parser library it replaces the standard macros with all standard macros except {@code
 * has}, and adds {@link NullSafeHas#MACRO}. CEL-Java refuses two macros with the same name, and
 * library parser options are applied after the builder's own, so this is how the replacement can
 * take effect even when the builder was given {@code CelStandardMacro.STANDARD_MACROS}. Use {@link
 * #WITHOUT_NULL_SAFE_HAS} to keep the builder's macros untouched.
 */
public final class KubernetesCelLibrary implements CelCompilerLibrary, CelRuntimeLibrary {

  /** The full library, null-safe {@code has()} included. Stateless and thread-safe. */
  public static final KubernetesCelLibrary INSTANCE = new KubernetesCelLibrary(true);

  /** The functions only; the builder's macros, including the standard {@code has()}, are kept. */
  public static final KubernetesCelLibrary WITHOUT_NULL_SAFE_HAS = new KubernetesCelLibrary(false);

  private static final List<CelFunctionDecl> DECLARATIONS = collectDeclarations();
  private static final List<CelFunctionBinding> BINDINGS = collectBindings();

  private final boolean nullSafeHas;

  private KubernetesCelLibrary(boolean nullSafeHas) {
    this.nullSafeHas = nullSafeHas;
  }

  @Override
  public void setParserOptions(CelParserBuilder parser) {
    if (nullSafeHas) {
      parser.setStandardMacros(NullSafeHas.STANDARD_MACROS_WITHOUT_HAS);
      parser.addMacros(NullSafeHas.MACRO);
    }
  }

  @Override
  public void setCheckerOptions(CelCheckerBuilder checker) {
    checker.addFunctionDeclarations(DECLARATIONS);
  }

  @Override
  public void setRuntimeOptions(CelRuntimeBuilder runtime) {
    runtime.addFunctionBindings(BINDINGS);
  }

  private static List<CelFunctionDecl> collectDeclarations() {
    List<CelFunctionDecl> all = new ArrayList<>();
    all.addAll(QuantityFunctions.declarations());
    all.addAll(RegexFunctions.declarations());
    all.addAll(ListFunctions.declarations());
    all.addAll(UrlFunctions.declarations());
    all.addAll(IpFunctions.declarations());
    all.add(NullSafeHas.declaration());
    return List.copyOf(all);
  }

  private static List<CelFunctionBinding> collectBindings() {
    List<CelFunctionBinding> all = new ArrayList<>();
    all.addAll(QuantityFunctions.bindings());
    all.addAll(RegexFunctions.bindings());
    all.addAll(ListFunctions.bindings());
    all.addAll(UrlFunctions.bindings());
    all.addAll(IpFunctions.bindings());
    all.add(NullSafeHas.binding());
    return List.copyOf(all);
  }
}
