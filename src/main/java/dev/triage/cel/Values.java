package dev.triage.cel;

import com.google.common.primitives.UnsignedLong;
import dev.cel.common.values.CelByteString;
import dev.cel.common.values.NullValue;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * CEL's equality and ordering over the runtime's values: {@code Long}, {@code Double},
 * {@code UnsignedLong}, {@code String}, {@code Boolean}, {@link NullValue}, {@link CelByteString},
 * {@code List}, {@code Map}, {@code Optional}, {@link Duration} and {@link Instant}, as
 * Kubernetes' cel-go defines them: numbers compare across types by value, NaN equals nothing,
 * strings order by code point.
 */
final class Values {
  private Values() {}

  static boolean equal(Object a, Object b) {
    if (a == b) {
      return !(a instanceof Double d) || !d.isNaN();
    }
    if (a instanceof String || b instanceof String) {
      return a.equals(b);
    }
    if (a instanceof Number || b instanceof UnsignedLong) {
      return numbersEqual(a, b);
    }
    if (a instanceof List<?> left) {
      if (!(b instanceof List<?> right) || left.size() != right.size()) {
        return false;
      }
      Iterator<?> r = right.iterator();
      for (Object element : left) {
        if (!equal(element, r.next())) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof Map<?, ?> left) {
      if (!(b instanceof Map<?, ?> right) || left.size() != right.size()) {
        return false;
      }
      for (Map.Entry<?, ?> entry : left.entrySet()) {
        Optional<Object> other = find(right, entry.getKey());
        if (other.isEmpty() || !equal(entry.getValue(), other.get())) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof Optional<?> left) {
      return b instanceof Optional<?> right && left.isPresent() == right.isPresent()
          && (left.isEmpty() || equal(left.get(), right.get()));
    }
    return a.equals(b);
  }

  private static boolean numbersEqual(Object a, Object b) {
    if (a instanceof Long x && b instanceof Long y) {
      return x.longValue() == y.longValue();
    }
    if (!isNumber(a) || !isNumber(b)) {
      return false;
    }
    if (a instanceof Double || b instanceof Double) {
      double x = toDouble(a);
      double y = toDouble(b);
      if (Double.isNaN(x) || Double.isNaN(y)) {
        return false;
      }
      return compareNumbers(a, b) == 0;
    }
    return compareNumbers(a, b) == 0;
  }

  static boolean isNumber(Object value) {
    return value instanceof Long || value instanceof Double || value instanceof UnsignedLong;
  }

  private static double toDouble(Object number) {
    return number instanceof UnsignedLong u ? u.doubleValue() : ((Number) number).doubleValue();
  }

  /** Two numbers of any CEL numeric type, as cel-go compares them (NaN excluded by the caller). */
  static int compareNumbers(Object a, Object b) {
    if (a instanceof Long x && b instanceof Long y) {
      return Long.compare(x, y);
    }
    if (a instanceof Double || b instanceof Double) {
      // as cel-go: the other number as a double (so 2^63-1 equals 2^63 as a double)
      double x = toDouble(a);
      double y = toDouble(b);
      return x < y ? -1 : x > y ? 1 : 0; // -0.0 equals 0.0
    }
    return ValueOrdering.toBigDecimal(a).compareTo(ValueOrdering.toBigDecimal(b));
  }

  /** The value at {@code key} in {@code map}, with numeric keys equal across types. */
  static Optional<Object> find(Map<?, ?> map, Object key) {
    Object value = map.get(key);
    if (value != null) {
      return Optional.of(value);
    }
    if (map.containsKey(key)) {
      return Optional.of(NullValue.NULL_VALUE);
    }
    if (isNumber(key)) {
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (isNumber(entry.getKey()) && numbersEqual(entry.getKey(), key)) {
          return Optional.ofNullable(entry.getValue());
        }
      }
    }
    return Optional.empty();
  }

  /**
   * A double as Go's {@code strconv.FormatFloat(d, 'g', -1, 64)} writes it, which is what
   * Kubernetes' {@code string(double)} returns: {@code 1}, {@code 0.1}, {@code 1e+20},
   * {@code 1e-07}.
   */
  static String formatDouble(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "+Inf" : "-Inf";
    }
    if (d == 0) {
      return (1 / d < 0) ? "-0" : "0";
    }
    BigDecimal shortest = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
    String digits = shortest.unscaledValue().toString();
    int exponent = digits.length() - 1 - shortest.scale(); // of the first digit
    int precision = 6; // Go's threshold for the shortest representation
    String sign = d < 0 ? "-" : "";
    if (exponent < -4 || exponent >= precision) {
      String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
      String exp = String.format("%02d", Math.abs(exponent));
      return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + exp;
    }
    return sign + shortest.toPlainString();
  }
}
