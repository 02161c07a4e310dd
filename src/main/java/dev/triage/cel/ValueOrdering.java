package dev.triage.cel;

import com.google.common.primitives.UnsignedLong;
import dev.cel.common.values.CelByteString;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * CEL ordering and equality over the runtime values of CEL-Java (Long, UnsignedLong, Double,
 * String, Boolean, CelByteString, Duration, Instant, List, Map), with numbers of different kinds
 * compared by value as cel-go does.
 */
final class ValueOrdering {

  private ValueOrdering() {}

  /** True if {@link #compare} accepts values of this kind. */
  static boolean isComparable(Object v) {
    return v instanceof Long
        || v instanceof Double
        || v instanceof UnsignedLong
        || v instanceof String
        || v instanceof Boolean
        || v instanceof CelByteString
        || v instanceof Duration
        || v instanceof Instant;
  }

  /**
   * Compares two values of the same kind (or two numbers).
   *
   * @throws IllegalArgumentException if the values cannot be ordered against each other
   */
  static int compare(Object a, Object b) {
    if (isNumber(a) && isNumber(b)) {
      return compareNumbers(a, b);
    }
    if (a instanceof String && b instanceof String) {
      return compareCodePoints((String) a, (String) b);
    }
    if (a instanceof Boolean && b instanceof Boolean) {
      return Boolean.compare((Boolean) a, (Boolean) b);
    }
    if (a instanceof CelByteString && b instanceof CelByteString) {
      return compareBytes(((CelByteString) a).toByteArray(), ((CelByteString) b).toByteArray());
    }
    if (a instanceof Duration && b instanceof Duration) {
      return ((Duration) a).compareTo((Duration) b);
    }
    if (a instanceof Instant && b instanceof Instant) {
      return ((Instant) a).compareTo((Instant) b);
    }
    throw new IllegalArgumentException(
        "cannot compare " + typeName(a) + " with " + typeName(b));
  }

  /** CEL equality: numbers by value across kinds, lists and maps element-wise. */
  static boolean equal(Object a, Object b) {
    if (isNumber(a) && isNumber(b)) {
      return !isNaN(a) && !isNaN(b) && compareNumbers(a, b) == 0;
    }
    if (a instanceof List && b instanceof List) {
      List<?> la = (List<?>) a;
      List<?> lb = (List<?>) b;
      if (la.size() != lb.size()) {
        return false;
      }
      Iterator<?> ia = la.iterator();
      Iterator<?> ib = lb.iterator();
      while (ia.hasNext()) {
        if (!equal(ia.next(), ib.next())) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof Map && b instanceof Map) {
      Map<?, ?> ma = (Map<?, ?>) a;
      Map<?, ?> mb = (Map<?, ?>) b;
      if (ma.size() != mb.size()) {
        return false;
      }
      for (Map.Entry<?, ?> e : ma.entrySet()) {
        if (!mb.containsKey(e.getKey()) || !equal(e.getValue(), mb.get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }
    return Objects.equals(a, b);
  }

  static String typeName(Object v) {
    return v == null ? "null" : v.getClass().getSimpleName();
  }

  private static boolean isNumber(Object v) {
    return v instanceof Long || v instanceof Double || v instanceof UnsignedLong;
  }

  private static boolean isNaN(Object v) {
    return v instanceof Double && ((Double) v).isNaN();
  }

  private static int compareNumbers(Object a, Object b) {
    if ((isNaN(a) || isNaN(b)) && !(a instanceof Double && b instanceof Double)) {
      throw new IllegalArgumentException("NaN cannot be ordered against an integer");
    }
    if (a instanceof Double || b instanceof Double) {
      if (a instanceof Double && b instanceof Double) {
        return Double.compare((Double) a, (Double) b);
      }
      // Comparing through BigDecimal keeps int64 values beyond 2^53 exact.
      return toBigDecimal(a).compareTo(toBigDecimal(b));
    }
    if (a instanceof UnsignedLong || b instanceof UnsignedLong) {
      return toBigDecimal(a).compareTo(toBigDecimal(b));
    }
    return Long.compare((Long) a, (Long) b);
  }

  static java.math.BigDecimal toBigDecimal(Object n) {
    if (n instanceof Long) {
      return java.math.BigDecimal.valueOf((Long) n);
    }
    if (n instanceof UnsignedLong) {
      return new java.math.BigDecimal(((UnsignedLong) n).bigIntegerValue());
    }
    double d = (Double) n;
    if (Double.isInfinite(d)) {
      // Larger than any integer; scaled far enough to stay above int64/uint64 in either direction.
      return java.math.BigDecimal.valueOf(d > 0 ? 1 : -1).scaleByPowerOfTen(400);
    }
    return new java.math.BigDecimal(d);
  }

  /** Go compares strings by UTF-8 bytes, which orders like code points (not UTF-16 units). */
  static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  private static int compareBytes(byte[] a, byte[] b) {
    int n = Math.min(a.length, b.length);
    for (int i = 0; i < n; i++) {
      int c = Integer.compare(a[i] & 0xff, b[i] & 0xff);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.length, b.length);
  }
}
