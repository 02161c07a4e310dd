package dev.triage.cel;

import com.google.re2j.Pattern;
import dev.cel.common.CelErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Native implementations of CEL's standard operators and functions for the types admission
 * rules use: int, double, string, bool, list and map. Other argument types (uint, bytes,
 * timestamps, durations) and every error whose wording dev.cel defines are left to dev.cel's
 * implementation ({@link Functions#UNHANDLED}). Where Kubernetes' cel-go and dev.cel disagree,
 * these follow cel-go (docs/conformance.md lists each case).
 */
final class Standard {
  private Standard() {}

  static final Object UNHANDLED = Functions.UNHANDLED;

  static Object add(Object a, Object b) {
    if (a instanceof Long x && b instanceof Long y) {
      long r = x + y;
      if (((x ^ r) & (y ^ r)) < 0) {
        throw overflow();
      }
      return r;
    }
    if (a instanceof String x && b instanceof String y) {
      return x.concat(y);
    }
    if (a instanceof Double x && b instanceof Double y) {
      return x + y;
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      if (y.isEmpty()) {
        return x;
      }
      if (x.isEmpty()) {
        return y;
      }
      List<Object> r = new ArrayList<>(x.size() + y.size());
      r.addAll(x);
      r.addAll(y);
      return r;
    }
    return UNHANDLED;
  }

  static Object subtract(Object a, Object b) {
    if (a instanceof Long x && b instanceof Long y) {
      long r = x - y;
      if (((x ^ y) & (x ^ r)) < 0) {
        throw overflow();
      }
      return r;
    }
    if (a instanceof Double x && b instanceof Double y) {
      return x - y;
    }
    return UNHANDLED;
  }

  static Object multiply(Object a, Object b) {
    if (a instanceof Long x && b instanceof Long y) {
      long hi = Math.multiplyHigh(x, y);
      long lo = x * y;
      if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) {
        return lo;
      }
      throw overflow();
    }
    if (a instanceof Double x && b instanceof Double y) {
      return x * y;
    }
    return UNHANDLED;
  }

  static Object divide(Object a, Object b) {
    if (a instanceof Long x && b instanceof Long y && y != 0) {
      if (x == Long.MIN_VALUE && y == -1) {
        throw overflow();
      }
      return x / y;
    }
    if (a instanceof Double x && b instanceof Double y) {
      return x / y;
    }
    return UNHANDLED; // division by zero: dev.cel words it
  }

  /** {@code MinInt64 % -1} overflows in cel-go (dev.cel answers 0). */
  static Object modulo(Object a, Object b) {
    if (a instanceof Long x && b instanceof Long y && y != 0) {
      if (x == Long.MIN_VALUE && y == -1) {
        throw overflow();
      }
      return x % y;
    }
    return UNHANDLED;
  }

  static Object negate(Object a) {
    if (a instanceof Long x) {
      if (x == Long.MIN_VALUE) {
        throw overflow();
      }
      return -x;
    }
    if (a instanceof Double x) {
      return -x;
    }
    return UNHANDLED;
  }

  private static CelError overflow() {
    return CelError.of(CelErrorCode.NUMERIC_OVERFLOW, "long overflow");
  }

  static Object equal(Object a, Object b) {
    return Values.equal(a, b);
  }

  static Object notEqual(Object a, Object b) {
    return !Values.equal(a, b);
  }

  /** The order of two values, or null when they have none (a NaN, or types CEL does not order natively). */
  private static Integer order(Object a, Object b) {
    if (a instanceof Long x && b instanceof Long y) {
      return Long.compare(x, y);
    }
    if (a instanceof String x && b instanceof String y) {
      return ValueOrdering.compareCodePoints(x, y);
    }
    if (Values.isNumber(a) && Values.isNumber(b)) {
      if ((a instanceof Double x && x.isNaN()) || (b instanceof Double y && y.isNaN())) {
        return NAN;
      }
      return Values.compareNumbers(a, b);
    }
    if (a instanceof Boolean x && b instanceof Boolean y) {
      return Boolean.compare(x, y);
    }
    return null;
  }

  /** Marks a comparison with NaN, which is false whichever way it is asked. */
  private static final Integer NAN = Integer.MIN_VALUE + 1;

  static Object less(Object a, Object b) {
    Integer c = order(a, b);
    return c == null ? UNHANDLED : c != NAN && c < 0;
  }

  static Object lessOrEqual(Object a, Object b) {
    Integer c = order(a, b);
    return c == null ? UNHANDLED : c != NAN && c <= 0;
  }

  static Object greater(Object a, Object b) {
    Integer c = order(a, b);
    return c == null ? UNHANDLED : c != NAN && c > 0;
  }

  static Object greaterOrEqual(Object a, Object b) {
    Integer c = order(a, b);
    return c == null ? UNHANDLED : c != NAN && c >= 0;
  }

  static Object in(Object element, Object container) {
    if (container instanceof List<?> list) {
      for (Object candidate : list) {
        if (Values.equal(element, candidate)) {
          return true;
        }
      }
      return false;
    }
    if (container instanceof Map<?, ?> map) {
      return Values.find(map, element).isPresent();
    }
    return UNHANDLED;
  }

  /** {@code x in ['a', 'b']} with a constant list of strings: one set lookup. */
  static Functions.Fn1 inStrings(Set<String> strings, List<String> list) {
    return element -> element instanceof String s ? strings.contains(s) : in(element, list);
  }

  static Object index(Object container, Object key) {
    if (container instanceof List<?> list && key instanceof Long i) {
      if (i < 0 || i >= list.size()) {
        return UNHANDLED; // out of bounds: dev.cel words it
      }
      return list.get(i.intValue());
    }
    if (container instanceof Map<?, ?> map && (key instanceof String || key instanceof Long
        || key instanceof Boolean)) {
      Optional<Object> found = Values.find(map, key);
      if (found.isPresent()) {
        return found.get();
      }
    }
    return UNHANDLED;
  }

  /** {@code a[?k]}: the element as an optional, none when absent. */
  static Object optionalIndex(Object container, Object key) {
    if (container instanceof Optional<?> optional) {
      if (optional.isEmpty()) {
        return optional;
      }
      container = optional.get();
    }
    if (container instanceof List<?> list && key instanceof Long i) {
      return i < 0 || i >= list.size() ? Optional.empty() : Optional.of(list.get(i.intValue()));
    }
    if (container instanceof Map<?, ?> map) {
      return Values.find(map, key);
    }
    return UNHANDLED;
  }

  static Object size(Object a) {
    if (a instanceof String s) {
      return (long) s.codePointCount(0, s.length());
    }
    if (a instanceof List<?> list) {
      return (long) list.size();
    }
    if (a instanceof Map<?, ?> map) {
      return (long) map.size();
    }
    return UNHANDLED;
  }

  static Object contains(Object a, Object b) {
    return a instanceof String s && b instanceof String t ? s.contains(t) : UNHANDLED;
  }

  static Object startsWith(Object a, Object b) {
    return a instanceof String s && b instanceof String t ? s.startsWith(t) : UNHANDLED;
  }

  static Object endsWith(Object a, Object b) {
    return a instanceof String s && b instanceof String t ? s.endsWith(t) : UNHANDLED;
  }

  /** {@code s.matches(re)} with a constant pattern, compiled once when the expression is. */
  static Functions.Fn1 matches(Pattern pattern) {
    return s -> s instanceof String string ? pattern.matcher(string).find() : UNHANDLED;
  }

  /** {@code s.matches(re)} with a constant pattern of literal alternatives: string searches. */
  static Functions.Fn1 matches(LiteralPattern pattern) {
    return s -> s instanceof String string ? pattern.find(string) : UNHANDLED;
  }

  /** {@code string(x)}; a double is written as cel-go writes it ({@code 1}, {@code 1e+20}). */
  static Object string(Object a) {
    if (a instanceof String) {
      return a;
    }
    if (a instanceof Long x) {
      return x.toString();
    }
    if (a instanceof Double x) {
      return Values.formatDouble(x);
    }
    if (a instanceof Boolean x) {
      return x.toString();
    }
    return UNHANDLED;
  }

  static Object toInt(Object a) {
    if (a instanceof Long) {
      return a;
    }
    if (a instanceof String s) {
      try {
        return Long.parseLong(s);
      } catch (NumberFormatException e) {
        return UNHANDLED; // dev.cel words the error
      }
    }
    return UNHANDLED;
  }

  static Object identity(Object a) {
    return a;
  }
}
