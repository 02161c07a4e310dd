package dev.triage.cel;

import static dev.cel.common.CelOverloadDecl.newMemberOverload;

import com.google.common.primitives.UnsignedLong;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.TypeParamType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import java.time.Duration;
import java.util.List;

/**
 * The Kubernetes lists library: {@code isSorted}, {@code sum}, {@code min}, {@code max}, {@code
 * indexOf} and {@code lastIndexOf} on lists.
 *
 * <p>Kubernetes declares one overload per element type. CEL-Java dispatches on the Java class of
 * the arguments, and every list is a {@link List}, so per-type overloads would all match a {@code
 * dyn} list and fail as ambiguous. Each function is therefore declared once over {@code list(A)},
 * and the element types are checked when the function runs. The visible difference: {@code
 * ['a'].sum()} is rejected at evaluation rather than at compilation, and {@code [].sum()} is the
 * int {@code 0} whatever the declared element type.
 */
final class ListFunctions {

  private static final CelType A = TypeParamType.create("A");
  private static final CelType LIST_A = ListType.create(A);

  private ListFunctions() {}

  static List<CelFunctionDecl> declarations() {
    return List.of(
        fn("isSorted", newMemberOverload("list_a_is_sorted_bool", SimpleType.BOOL, LIST_A)),
        fn("sum", newMemberOverload("list_a_sum_a", A, LIST_A)),
        fn("min", newMemberOverload("list_a_min_a", A, LIST_A)),
        fn("max", newMemberOverload("list_a_max_a", A, LIST_A)),
        fn("indexOf", newMemberOverload("list_a_index_of_int", SimpleType.INT, LIST_A, A)),
        fn("lastIndexOf", newMemberOverload("list_a_last_index_of_int", SimpleType.INT, LIST_A, A)));
  }

  static List<CelFunctionBinding> bindings() {
    return List.of(
        CelFunctionBinding.from("list_a_is_sorted_bool", List.class, ListFunctions::isSorted),
        CelFunctionBinding.from("list_a_sum_a", List.class, ListFunctions::sum),
        CelFunctionBinding.from("list_a_min_a", List.class, l -> extreme(l, "min", 1)),
        CelFunctionBinding.from("list_a_max_a", List.class, l -> extreme(l, "max", -1)),
        CelFunctionBinding.from(
            "list_a_index_of_int", List.class, Object.class, ListFunctions::indexOf),
        CelFunctionBinding.from(
            "list_a_last_index_of_int", List.class, Object.class, ListFunctions::lastIndexOf));
  }

  static boolean isSorted(List<?> list) throws CelEvaluationException {
    Object prev = null;
    for (Object next : list) {
      requireComparable("isSorted", next);
      if (prev != null && compare("isSorted", prev, next) > 0) {
        return false;
      }
      prev = next;
    }
    return true;
  }

  static Object sum(List<?> list) throws CelEvaluationException {
    if (list.isEmpty()) {
      return 0L;
    }
    Object acc = list.get(0);
    if (!(acc instanceof Long
        || acc instanceof Double
        || acc instanceof UnsignedLong
        || acc instanceof Duration)) {
      throw FunctionErrors.noSuchOverload("sum", acc);
    }
    for (int i = 1; i < list.size(); i++) {
      acc = add(acc, list.get(i));
    }
    return acc;
  }

  /** Adds like cel-go: both operands of the same kind, integer overflow is an error. */
  private static Object add(Object acc, Object next) throws CelEvaluationException {
    try {
      if (acc instanceof Long && next instanceof Long) {
        return Math.addExact((Long) acc, (Long) next);
      }
      if (acc instanceof Double && next instanceof Double) {
        return (Double) acc + (Double) next;
      }
      if (acc instanceof UnsignedLong && next instanceof UnsignedLong) {
        UnsignedLong a = (UnsignedLong) acc;
        UnsignedLong s = a.plus((UnsignedLong) next);
        if (s.compareTo(a) < 0) {
          throw new ArithmeticException("unsigned integer overflow");
        }
        return s;
      }
      if (acc instanceof Duration && next instanceof Duration) {
        return ((Duration) acc).plus((Duration) next);
      }
    } catch (ArithmeticException e) {
      throw FunctionErrors.invalidArgument("sum: " + e.getMessage());
    }
    throw FunctionErrors.noSuchOverload("sum", next);
  }

  /** The first element that no later element beats; {@code preferWhen} is the winning compare sign. */
  private static Object extreme(List<?> list, String name, int preferWhen)
      throws CelEvaluationException {
    Object result = null;
    for (Object next : list) {
      requireComparable(name, next);
      if (result == null) {
        result = next;
      } else if (Integer.signum(compare(name, result, next)) == preferWhen) {
        result = next;
      }
    }
    if (result == null) {
      throw FunctionErrors.invalidArgument(name + " called on empty list");
    }
    return result;
  }

  static long indexOf(List<?> list, Object item) {
    for (int i = 0; i < list.size(); i++) {
      if (ValueOrdering.equal(list.get(i), item)) {
        return i;
      }
    }
    return -1;
  }

  static long lastIndexOf(List<?> list, Object item) {
    for (int i = list.size() - 1; i >= 0; i--) {
      if (ValueOrdering.equal(list.get(i), item)) {
        return i;
      }
    }
    return -1;
  }

  private static void requireComparable(String name, Object value) throws CelEvaluationException {
    if (!ValueOrdering.isComparable(value)) {
      throw FunctionErrors.noSuchOverload(name, value);
    }
  }

  private static int compare(String name, Object a, Object b) throws CelEvaluationException {
    try {
      return ValueOrdering.compare(a, b);
    } catch (IllegalArgumentException e) {
      throw FunctionErrors.invalidArgument(name + ": " + e.getMessage());
    }
  }

  private static CelFunctionDecl fn(String name, dev.cel.common.CelOverloadDecl... overloads) {
    return CelFunctionDecl.newFunctionDeclaration(name, overloads);
  }
}
