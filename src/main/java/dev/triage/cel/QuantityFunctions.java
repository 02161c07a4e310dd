package dev.triage.cel;

import static dev.cel.common.CelOverloadDecl.newGlobalOverload;
import static dev.cel.common.CelOverloadDecl.newMemberOverload;

import dev.cel.common.CelFunctionDecl;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import java.util.List;

/**
 * The Kubernetes quantity library: {@code quantity}, {@code isQuantity} and the methods of {@code
 * kubernetes.Quantity}. Overload ids are the ones Kubernetes uses.
 */
final class QuantityFunctions {

  static final OpaqueType QUANTITY = OpaqueType.create("kubernetes.Quantity");

  private QuantityFunctions() {}

  static List<CelFunctionDecl> declarations() {
    return List.of(
        fn("quantity", newGlobalOverload("string_to_quantity", QUANTITY, SimpleType.STRING)),
        fn("isQuantity", newGlobalOverload("is_quantity_string", SimpleType.BOOL, SimpleType.STRING)),
        fn("sign", newMemberOverload("quantity_sign", SimpleType.INT, QUANTITY)),
        fn("isGreaterThan",
            newMemberOverload("quantity_is_greater_than", SimpleType.BOOL, QUANTITY, QUANTITY)),
        fn("isLessThan",
            newMemberOverload("quantity_is_less_than", SimpleType.BOOL, QUANTITY, QUANTITY)),
        fn("compareTo", newMemberOverload("quantity_compare_to", SimpleType.INT, QUANTITY, QUANTITY)),
        fn("asApproximateFloat", newMemberOverload("quantity_get_float", SimpleType.DOUBLE, QUANTITY)),
        fn("asInteger", newMemberOverload("quantity_get_int", SimpleType.INT, QUANTITY)),
        fn("isInteger", newMemberOverload("quantity_is_integer", SimpleType.BOOL, QUANTITY)),
        fn("add",
            newMemberOverload("quantity_add", QUANTITY, QUANTITY, QUANTITY),
            newMemberOverload("quantity_add_int", QUANTITY, QUANTITY, SimpleType.INT)),
        fn("sub",
            newMemberOverload("quantity_sub", QUANTITY, QUANTITY, QUANTITY),
            newMemberOverload("quantity_sub_int", QUANTITY, QUANTITY, SimpleType.INT)),
        fn("mul", newMemberOverload("quantity_multiply_int", QUANTITY, QUANTITY, SimpleType.INT)));
  }

  static List<CelFunctionBinding> bindings() {
    return List.of(
        CelFunctionBinding.from("string_to_quantity", String.class, QuantityFunctions::parse),
        CelFunctionBinding.from("is_quantity_string", String.class, Quantity::isValid),
        CelFunctionBinding.from("quantity_sign", Quantity.class, q -> (long) q.sign()),
        CelFunctionBinding.from(
            "quantity_is_greater_than", Quantity.class, Quantity.class, (a, b) -> a.compareTo(b) > 0),
        CelFunctionBinding.from(
            "quantity_is_less_than", Quantity.class, Quantity.class, (a, b) -> a.compareTo(b) < 0),
        CelFunctionBinding.from(
            "quantity_compare_to",
            Quantity.class,
            Quantity.class,
            (a, b) -> (long) Integer.signum(a.compareTo(b))),
        CelFunctionBinding.from("quantity_get_float", Quantity.class, Quantity::asApproximateDouble),
        CelFunctionBinding.from("quantity_get_int", Quantity.class, QuantityFunctions::asInteger),
        CelFunctionBinding.from("quantity_is_integer", Quantity.class, Quantity::isInteger),
        CelFunctionBinding.from(
            "quantity_add", Quantity.class, Quantity.class, (a, b) -> arithmetic(() -> a.add(b))),
        CelFunctionBinding.from(
            "quantity_add_int",
            Quantity.class,
            Long.class,
            (a, b) -> arithmetic(() -> a.add(Quantity.ofLong(b)))),
        CelFunctionBinding.from(
            "quantity_sub", Quantity.class, Quantity.class, (a, b) -> arithmetic(() -> a.subtract(b))),
        CelFunctionBinding.from(
            "quantity_sub_int",
            Quantity.class,
            Long.class,
            (a, b) -> arithmetic(() -> a.subtract(Quantity.ofLong(b)))),
        CelFunctionBinding.from(
            "quantity_multiply_int",
            Quantity.class,
            Long.class,
            (a, b) -> arithmetic(() -> a.multiply(b))));
  }

  private static Quantity parse(String text) throws CelEvaluationException {
    try {
      return Quantity.parse(text);
    } catch (QuantityFormatException e) {
      throw FunctionErrors.invalidArgument(e.getMessage());
    }
  }

  private static long asInteger(Quantity q) throws CelEvaluationException {
    Long value = q.asLong();
    if (value == null) {
      throw FunctionErrors.invalidArgument("cannot convert value to integer");
    }
    return value;
  }

  private static Quantity arithmetic(java.util.function.Supplier<Quantity> op)
      throws CelEvaluationException {
    try {
      return op.get();
    } catch (ArithmeticException e) {
      throw FunctionErrors.invalidArgument(e.getMessage());
    }
  }

  private static CelFunctionDecl fn(String name, dev.cel.common.CelOverloadDecl... overloads) {
    return CelFunctionDecl.newFunctionDeclaration(name, overloads);
  }
}
