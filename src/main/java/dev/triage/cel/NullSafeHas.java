package dev.triage.cel;

import static dev.cel.common.CelOverloadDecl.newGlobalOverload;

import com.google.common.collect.ImmutableList;
import com.google.protobuf.MessageOrBuilder;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelMacro;
import dev.cel.parser.CelMacroExprFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelFunctionBinding;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A {@code has()} macro that answers false, like cel-go, when the operand is not a map or message.
 *
 * <p>CEL-Java's standard {@code has(a.f)} raises "Field selections must be performed on messages or
 * maps" when {@code a} is null or a string. Kubernetes objects routinely hold JSON null (e.g. an
 * unset {@code spec.template.spec.securityContext}), and Kubernetes policies expect {@code
 * has(object.spec.x.y)} to be false there. This macro expands {@code has(a.f)} to
 *
 * <pre>{@code __triage_is_container(a) ? has(a.f) : false}</pre>
 *
 * <p>so that maps and messages keep the standard presence test and every other value yields false.
 * Errors while evaluating {@code a} itself (e.g. a missing map key further up) are still errors.
 */
public final class NullSafeHas {

  /** The helper the expansion calls; true for maps and protobuf messages. */
  public static final String IS_CONTAINER = "__triage_is_container";

  private static final String IS_CONTAINER_OVERLOAD = "__triage_is_container_dyn";

  /** The replacement macro; it conflicts with {@link CelStandardMacro#HAS}, so register one only. */
  public static final CelMacro MACRO = CelMacro.newGlobalMacro("has", 1, NullSafeHas::expand);

  /** All standard macros except the standard {@code has}. */
  public static final Set<CelStandardMacro> STANDARD_MACROS_WITHOUT_HAS =
      Set.copyOf(EnumSet.complementOf(EnumSet.of(CelStandardMacro.HAS)));

  private NullSafeHas() {}

  static CelFunctionDecl declaration() {
    return CelFunctionDecl.newFunctionDeclaration(
        IS_CONTAINER, newGlobalOverload(IS_CONTAINER_OVERLOAD, SimpleType.BOOL, SimpleType.DYN));
  }

  static CelFunctionBinding binding() {
    return CelFunctionBinding.from(IS_CONTAINER_OVERLOAD, Object.class, NullSafeHas::isContainer);
  }

  static boolean isContainer(Object value) {
    return value instanceof Map || value instanceof MessageOrBuilder;
  }

  private static Optional<CelExpr> expand(
      CelMacroExprFactory factory, CelExpr target, ImmutableList<CelExpr> arguments) {
    CelExpr arg = arguments.get(0);
    if (arg.getKind() != CelExpr.ExprKind.Kind.SELECT) {
      return Optional.of(factory.reportError("invalid argument to has() macro"));
    }
    CelExpr operand = arg.select().operand();
    CelExpr presenceTest = factory.newSelect(factory.copy(operand), arg.select().field(), true);
    return Optional.of(
        factory.newGlobalCall(
            "_?_:_",
            factory.newGlobalCall(IS_CONTAINER, operand),
            presenceTest,
            factory.newBoolLiteral(false)));
  }
}
