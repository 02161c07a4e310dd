package dev.triage.cel;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * A Kubernetes resource quantity with the parsing and arithmetic of {@code
 * k8s.io/apimachinery/pkg/api/resource.Quantity}.
 *
 * <p>Kubernetes keeps a quantity either as an int64 mantissa with a base-10 exponent (the "compact"
 * form) or as an arbitrary-precision decimal. The two forms compare equal by value, but {@code
 * isInteger()} and {@code asInteger()} only succeed on the compact form, so {@code
 * quantity("1.0").isInteger()} is false in Kubernetes. Policies written against Kubernetes can
 * observe that, so this class keeps the same two forms and the same rules for moving between them.
 *
 * <p>Instances are immutable. {@link #equals} and {@link #hashCode} compare by numeric value, which
 * is what {@code ==} does for quantities in Kubernetes.
 */
public final class Quantity implements Comparable<Quantity> {

  static final String FORMAT_PATTERN = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";
  static final String ERR_FORMAT =
      "quantities must match the regular expression '" + FORMAT_PATTERN + "'";
  static final String ERR_NUMERIC = "unable to parse numeric part of quantity";
  static final String ERR_SUFFIX = "unable to parse quantity's suffix";

  /** Kubernetes rounds every non-zero decimal quantity up to nano units. */
  private static final int NANO_SCALE = 9;

  /** Binary-suffixed quantities are capped at the largest int64 in Kubernetes. */
  private static final BigDecimal MAX_BINARY = BigDecimal.valueOf(Long.MAX_VALUE);

  /**
   * Arithmetic between quantities whose exponents are further apart than this would need to
   * materialise a number with that many digits; a policy could use that to exhaust memory, so it is
   * refused instead.
   */
  private static final int MAX_SCALE_GAP = 10_000;

  private static final Quantity ZERO = new Quantity(0, 0);

  // Compact form: value = mantissa * 10^exponent. Used when decimal == null.
  private final long mantissa;
  private final int exponent;
  // Arbitrary-precision form.
  private final BigDecimal decimal;

  private Quantity(long mantissa, int exponent) {
    this.mantissa = mantissa;
    this.exponent = exponent;
    this.decimal = null;
  }

  private Quantity(BigDecimal decimal) {
    this.mantissa = 0;
    this.exponent = 0;
    this.decimal = decimal;
  }

  /** The quantity for a plain integer, as Kubernetes builds it for {@code add(int)}. */
  public static Quantity ofLong(long value) {
    return new Quantity(value, 0);
  }

  /** Returns true if {@code text} is a valid Kubernetes quantity. */
  public static boolean isValid(String text) {
    try {
      parse(text);
      return true;
    } catch (QuantityFormatException e) {
      return false;
    }
  }

  /**
   * Parses Kubernetes quantity syntax: an optionally signed decimal number followed by a binary SI
   * suffix (Ki Mi Gi Ti Pi Ei), a decimal SI suffix (n u m k M G T P E) or a decimal exponent (e/E
   * followed by a signed integer).
   *
   * @throws QuantityFormatException with the Kubernetes error text when {@code text} is invalid
   */
  public static Quantity parse(String text) {
    if (text.isEmpty()) {
      throw new QuantityFormatException(text, ERR_FORMAT);
    }
    if (text.equals("0")) {
      return ZERO;
    }
    QuantityText parts = QuantityText.scan(text);
    Suffix suffix = Suffix.interpret(parts.suffix);
    if (suffix == null) {
      throw new QuantityFormatException(text, ERR_SUFFIX);
    }
    Quantity compact = parseCompact(parts, suffix);
    if (compact != null) {
      return compact;
    }
    return parseDecimal(text, parts, suffix);
  }

  /** Kubernetes' fast path: values that fit an int64 mantissa with an exponent of at least -9. */
  private static Quantity parseCompact(QuantityText parts, Suffix suffix) {
    int precision;
    int scale;
    long multiplier = 1;
    if (suffix.base == 10) {
      scale = suffix.exponent;
      precision = 18 - (parts.num.length() + parts.denom.length());
    } else {
      scale = 0;
      if (suffix.exponent >= 0 && parts.denom.isEmpty()) {
        multiplier = 1L << suffix.exponent;
        precision = 15 - parts.num.length() - (int) ((float) suffix.exponent * 3 / 10) - 1;
      } else {
        precision = -1;
      }
    }
    if (precision < 0) {
      return null;
    }
    scale -= parts.denom.length();
    if (scale < -NANO_SCALE) {
      return null;
    }
    long digits;
    try {
      digits = Long.parseLong(parts.num + parts.denom);
    } catch (NumberFormatException e) {
      return null;
    }
    long result;
    try {
      result = Math.multiplyExact(digits, multiplier);
    } catch (ArithmeticException e) {
      return null;
    }
    return new Quantity(parts.positive ? result : -result, scale);
  }

  /** Kubernetes' slow path: arbitrary precision, rounded up to nano units, binary values capped. */
  private static Quantity parseDecimal(String text, QuantityText parts, Suffix suffix) {
    BigDecimal amount;
    try {
      amount = new BigDecimal(parts.value);
      if (suffix.base == 10) {
        amount = amount.scaleByPowerOfTen(suffix.exponent);
      } else {
        amount = new BigDecimal(amount.unscaledValue().shiftLeft(suffix.exponent), amount.scale());
      }
    } catch (NumberFormatException | ArithmeticException e) {
      throw new QuantityFormatException(text, ERR_NUMERIC);
    }
    boolean negative = amount.signum() < 0;
    amount = amount.abs();
    if (amount.signum() != 0) {
      amount = amount.setScale(NANO_SCALE, RoundingMode.UP);
    }
    if (suffix.base == 2 && amount.compareTo(MAX_BINARY) > 0) {
      amount = MAX_BINARY;
    }
    return new Quantity(negative ? amount.negate() : amount);
  }

  /** -1, 0 or 1 for negative, zero and positive quantities. */
  public int sign() {
    return decimal == null ? Long.signum(mantissa) : decimal.signum();
  }

  /** True exactly when {@link #asLong()} would succeed. */
  public boolean isInteger() {
    return decimal == null && compactToLong(mantissa, exponent) != null;
  }

  /**
   * The value as an int64, or {@code null} when Kubernetes' {@code AsInt64} reports it cannot
   * convert (fractional, overflowing, or held in arbitrary-precision form).
   */
  public Long asLong() {
    return decimal == null ? compactToLong(mantissa, exponent) : null;
  }

  private static Long compactToLong(long mantissa, int exponent) {
    if (exponent == 0) {
      return mantissa;
    }
    if (exponent < 0) {
      return null;
    }
    return scaleUp(mantissa, exponent);
  }

  /** {@code base * 10^scale} for scale >= 0, or null on int64 overflow. */
  private static Long scaleUp(long base, int scale) {
    if (base == 0) {
      return 0L;
    }
    long value = base;
    for (int i = 0; i < scale; i++) {
      try {
        value = Math.multiplyExact(value, 10L);
      } catch (ArithmeticException e) {
        return null;
      }
    }
    return value;
  }

  /**
   * The value as a double, computed like Kubernetes' {@code AsApproximateFloat64}: the mantissa as
   * a double times a power of ten, so results match Kubernetes bit for bit.
   */
  public double asApproximateDouble() {
    double base;
    int exp;
    if (decimal == null) {
      base = (double) mantissa;
      exp = exponent;
    } else {
      base = decimal.unscaledValue().doubleValue();
      exp = -decimal.scale();
    }
    if (exp == 0) {
      return base;
    }
    return base * PowersOfTen.pow10(exp);
  }

  /** The exact numeric value. */
  public BigDecimal toBigDecimal() {
    return decimal != null ? decimal : BigDecimal.valueOf(mantissa, -exponent);
  }

  public Quantity add(Quantity other) {
    if (decimal == null && other.decimal == null) {
      Quantity sum = addCompact(mantissa, exponent, other.mantissa, other.exponent);
      if (sum != null) {
        return sum;
      }
    }
    return new Quantity(checkedSum(toBigDecimal(), other.toBigDecimal(), false));
  }

  public Quantity subtract(Quantity other) {
    if (decimal == null && other.decimal == null) {
      // Kubernetes subtracts by adding the negated int64 mantissa, overflow included.
      Quantity difference = addCompact(mantissa, exponent, -other.mantissa, other.exponent);
      if (difference != null) {
        return difference;
      }
    }
    return new Quantity(checkedSum(toBigDecimal(), other.toBigDecimal(), true));
  }

  /** Kubernetes' int64Amount.Add: aligns to the smaller exponent; null on overflow. */
  private static Quantity addCompact(long a, int aExp, long b, int bExp) {
    if (b == 0) {
      return new Quantity(a, aExp);
    }
    if (a == 0) {
      return new Quantity(b, bExp);
    }
    try {
      if (aExp == bExp) {
        return new Quantity(Math.addExact(a, b), aExp);
      }
      if (aExp > bExp) {
        Long scaled = scaleUp(a, aExp - bExp);
        return scaled == null ? null : new Quantity(Math.addExact(scaled, b), bExp);
      }
      Long scaled = scaleUp(b, bExp - aExp);
      return scaled == null ? null : new Quantity(Math.addExact(a, scaled), aExp);
    } catch (ArithmeticException e) {
      return null;
    }
  }

  private static BigDecimal checkedSum(BigDecimal a, BigDecimal b, boolean subtract) {
    if (a.signum() != 0 && b.signum() != 0 && Math.abs((long) a.scale() - b.scale()) > MAX_SCALE_GAP) {
      throw new ArithmeticException("quantity arithmetic out of supported range");
    }
    return subtract ? a.subtract(b) : a.add(b);
  }

  /** Kubernetes' Quantity.Mul(int64). */
  public Quantity multiply(long factor) {
    if (decimal == null) {
      if (mantissa == 0) {
        return this;
      }
      if (factor == 0) {
        return ZERO;
      }
      try {
        long product = Math.multiplyExact(mantissa, factor);
        // Kubernetes keeps the compact form only while the product still converts exactly at
        // the current exponent.
        boolean exact =
            exponent >= 0
                ? scaleUp(product, exponent) != null
                : -exponent <= 18 && product % pow10Long(-exponent) == 0;
        if (exact) {
          return new Quantity(product, exponent);
        }
      } catch (ArithmeticException e) {
        // Falls through to the arbitrary-precision form, as Kubernetes does.
      }
    }
    return new Quantity(toBigDecimal().multiply(BigDecimal.valueOf(factor)));
  }

  private static long pow10Long(int n) {
    long p = 1;
    for (int i = 0; i < n; i++) {
      p *= 10;
    }
    return p;
  }

  @Override
  public int compareTo(Quantity other) {
    if (decimal == null && other.decimal == null && exponent == other.exponent) {
      return Long.compare(mantissa, other.mantissa);
    }
    return toBigDecimal().compareTo(other.toBigDecimal());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Quantity && compareTo((Quantity) o) == 0;
  }

  @Override
  public int hashCode() {
    return toBigDecimal().stripTrailingZeros().hashCode();
  }

  @Override
  public String toString() {
    return toBigDecimal().toPlainString();
  }

  /** The pieces of a quantity string, split the way Kubernetes' parseQuantityString splits them. */
  private static final class QuantityText {
    boolean positive = true;
    String value = "";
    String num = "";
    String denom = "";
    String suffix = "";

    static QuantityText scan(String str) {
      QuantityText t = new QuantityText();
      int pos = 0;
      int end = str.length();
      char first = str.charAt(0);
      if (first == '-') {
        t.positive = false;
        pos++;
      } else if (first == '+') {
        pos++;
      }
      // Leading zeros are dropped; a string of only zeros (or only a sign) is zero.
      while (true) {
        if (pos >= end) {
          t.num = "0";
          t.value = "0";
          return t;
        }
        if (str.charAt(pos) != '0') {
          break;
        }
        pos++;
      }
      int i = pos;
      while (i < end && isDigit(str.charAt(i))) {
        i++;
      }
      if (i >= end) {
        t.num = str.substring(pos);
        t.value = str;
        return t;
      }
      t.num = str.substring(pos, i);
      pos = i;
      if (t.num.isEmpty()) {
        t.num = "0";
      }
      if (str.charAt(pos) == '.') {
        pos++;
        i = pos;
        while (i < end && isDigit(str.charAt(i))) {
          i++;
        }
        if (i >= end) {
          t.denom = str.substring(pos);
          t.value = str;
          return t;
        }
        t.denom = str.substring(pos, i);
        pos = i;
      }
      t.value = str.substring(0, pos);
      int suffixStart = pos;
      i = pos;
      while (i < end && "eEinumkKMGTP".indexOf(str.charAt(i)) >= 0) {
        i++;
      }
      if (i >= end) {
        t.suffix = str.substring(suffixStart);
        return t;
      }
      pos = i;
      if (str.charAt(pos) == '-' || str.charAt(pos) == '+') {
        pos++;
      }
      for (i = pos; i < end; i++) {
        if (!isDigit(str.charAt(i))) {
          throw new QuantityFormatException(str, ERR_FORMAT);
        }
      }
      t.suffix = str.substring(suffixStart);
      return t;
    }

    private static boolean isDigit(char c) {
      return c >= '0' && c <= '9';
    }
  }

  /** A suffix's base (2 or 10) and exponent in that base. */
  private static final class Suffix {
    final int base;
    final int exponent;

    private Suffix(int base, int exponent) {
      this.base = base;
      this.exponent = exponent;
    }

    static Suffix interpret(String s) {
      switch (s) {
        case "n": return new Suffix(10, -9);
        case "u": return new Suffix(10, -6);
        case "m": return new Suffix(10, -3);
        case "": return new Suffix(10, 0);
        case "k": return new Suffix(10, 3);
        case "M": return new Suffix(10, 6);
        case "G": return new Suffix(10, 9);
        case "T": return new Suffix(10, 12);
        case "P": return new Suffix(10, 15);
        case "E": return new Suffix(10, 18);
        case "Ki": return new Suffix(2, 10);
        case "Mi": return new Suffix(2, 20);
        case "Gi": return new Suffix(2, 30);
        case "Ti": return new Suffix(2, 40);
        case "Pi": return new Suffix(2, 50);
        case "Ei": return new Suffix(2, 60);
        default:
          break;
      }
      if (s.length() > 1 && (s.charAt(0) == 'e' || s.charAt(0) == 'E')) {
        try {
          // Go parses an int64 and truncates it to int32; the cast does the same.
          return new Suffix(10, (int) Long.parseLong(s.substring(1)));
        } catch (NumberFormatException e) {
          return null;
        }
      }
      return null;
    }
  }

  /** Go's math.Pow10, which builds powers from two exact table entries. */
  private static final class PowersOfTen {
    private static final double[] SMALL = new double[32];
    private static final double[] POSITIVE_32 = new double[10];
    private static final double[] NEGATIVE_32 = new double[11];

    static {
      for (int i = 0; i < SMALL.length; i++) {
        SMALL[i] = Double.parseDouble("1e" + i);
      }
      for (int i = 0; i < POSITIVE_32.length; i++) {
        POSITIVE_32[i] = Double.parseDouble("1e" + (32 * i));
      }
      for (int i = 0; i < NEGATIVE_32.length; i++) {
        NEGATIVE_32[i] = Double.parseDouble("1e-" + (32 * i));
      }
    }

    static double pow10(int n) {
      if (n >= 0 && n <= 308) {
        return POSITIVE_32[n / 32] * SMALL[n % 32];
      }
      if (n >= -323 && n <= 0) {
        return NEGATIVE_32[-n / 32] / SMALL[-n % 32];
      }
      return n > 0 ? Double.POSITIVE_INFINITY : 0;
    }
  }
}
