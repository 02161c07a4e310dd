package dev.triage.cel;

import static dev.triage.cel.TestCel.eval;
import static dev.triage.cel.TestCel.evalError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class QuantityTest {

  @ParameterizedTest
  @CsvSource({
    "0, 0",
    "1, 1",
    "12Mi, 12582912",
    "1Ki, 1024",
    "1.5Gi, 1610612736",
    "1Ei, 1152921504606846976",
    "8Ei, 9223372036854775807", // capped at max int64, as in Kubernetes
    "100m, 0.1",
    "1n, 0.000000001",
    "1.5u, 0.0000015",
    "0.1n, 0.000000001", // rounded up to one nano
    "-0.1n, -0.000000001",
    "200k, 200000",
    "1.5G, 1500000000",
    "1e3, 1000",
    "1E3, 1000",
    "1e-3, 0.001",
    "1e+3, 1000",
    "1E, 1000000000000000000", // E alone is the exa suffix
    "+5, 5",
    "-5M, -5000000",
    ".5, 0.5",
    "5., 5",
    "000, 0",
    "-, 0", // Kubernetes quirk: a bare sign parses as zero
    "Mi, 0", // Kubernetes quirk: a suffix without digits parses as zero
    "0.1, 0.1",
    "1.0E8, 100000000",
    "1.0E-7, 0.0000001",
  })
  void parsesKubernetesSyntax(String text, String expected) {
    assertEquals(0, Quantity.parse(text).toBigDecimal().compareTo(new BigDecimal(expected)), text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "200K", "10Mo", "10Mm", "Three", "1,3G", "1.2.3", "1e", "Ei", "1 Gi", " 1", "1Gi ", "--1", "0x10", "1ki"})
  void rejectsInvalidStrings(String text) {
    assertThrows(QuantityFormatException.class, () -> Quantity.parse(text));
    assertFalse(Quantity.isValid(text));
  }

  @Test
  void errorMessagesUseKubernetesWording() {
    QuantityFormatException format = assertThrows(QuantityFormatException.class, () -> Quantity.parse("10Mo"));
    assertTrue(format.getMessage().contains("quantities must match the regular expression"), format.getMessage());
    assertTrue(format.getMessage().contains("\"10Mo\""));
    QuantityFormatException suffix = assertThrows(QuantityFormatException.class, () -> Quantity.parse("10Mm"));
    assertEquals("unable to parse quantity's suffix", suffix.reason());
    QuantityFormatException numeric = assertThrows(QuantityFormatException.class, () -> Quantity.parse("Ei"));
    assertEquals("unable to parse numeric part of quantity", numeric.reason());
  }

  @Test
  void integerConversionFollowsTheCompactForm() {
    assertEquals(50_000L, Quantity.parse("50k").asLong());
    assertEquals(12582912L, Quantity.parse("12Mi").asLong());
    assertTrue(Quantity.parse("0.1k").isInteger());
    // Kubernetes: a literal with fractional digits, or one held in arbitrary precision, is not an int64.
    assertFalse(Quantity.parse("1.0").isInteger());
    assertFalse(Quantity.parse("1.5Gi").isInteger());
    assertFalse(Quantity.parse("1Ei").isInteger());
    assertNull(Quantity.parse("9999999999999999999999999999999999999G").asLong());
    assertNull(Quantity.parse("10E").asLong()); // 1e19 overflows int64
    assertEquals(9_000_000_000_000_000_000L, Quantity.parse("9E").asLong());
  }

  @Test
  void celFunctions() {
    assertEquals(true, eval("isQuantity('1.3Gi') && isQuantity('10000k') && !isQuantity('1,3G') && !isQuantity('200K')"));
    assertEquals(true, eval("quantity('200M') == quantity('0.2G')"));
    assertEquals(true, eval("quantity('2M') == quantity('0.002G') && quantity('2000k') == quantity('2M')"));
    assertEquals(false, eval("quantity('200M') == quantity('0.3G')"));
    assertEquals(true, eval("quantity('200M') != quantity('0.3G')"));
    assertEquals(0L, eval("quantity('200M').compareTo(quantity('0.2G'))"));
    assertEquals(-1L, eval("quantity('50M').compareTo(quantity('50Mi'))"));
    assertEquals(1L, eval("quantity('50Mi').compareTo(quantity('50M'))"));
    assertEquals(true, eval("quantity('50M').isLessThan(quantity('50Mi'))"));
    assertEquals(true, eval("quantity('150Mi').isGreaterThan(quantity('100Mi'))"));
    assertEquals(false, eval("quantity('50M').isGreaterThan(quantity('100M'))"));
    assertEquals(true, eval("quantity('50k').add(quantity('20')) == quantity('50.02k')"));
    assertEquals(false, eval("quantity('50k').add(20).isLessThan(quantity('50020'))"));
    assertEquals(true, eval("quantity('50k').sub(quantity('20')) == quantity('49.98k')"));
    assertEquals(true, eval("quantity('50k').sub(20) == quantity('49980')"));
    assertEquals(true, eval("quantity('50k').mul(2) == quantity('100000')"));
    assertEquals(-49980L, eval("quantity('50k').add(20).sub(quantity('100k')).asInteger()"));
    assertEquals(20L, eval("quantity('50k').add(20).sub(quantity('100k')).sub(-50000).asInteger()"));
    assertEquals(50_000L, eval("quantity('50k').asInteger()"));
    assertEquals(true, eval("quantity('50').isInteger()"));
    assertEquals(false, eval("quantity('9999999999999999999999999999999999999G').isInteger()"));
    assertEquals(50703.0, eval("quantity('50.703k').asApproximateFloat()"));
    assertEquals(30000.0, eval("quantity('50k').sub(20000).asApproximateFloat()"));
    assertEquals(1L, eval("quantity('1m').sign()"));
    assertEquals(-1L, eval("quantity('-1Ki').sign()"));
    assertEquals(0L, eval("quantity('0').sign()"));
  }

  @Test
  void celErrors() {
    assertTrue(evalError("quantity('10Mo')").getMessage().contains("quantities must match the regular expression"));
    assertTrue(evalError("quantity('200K')").getMessage().contains("unable to parse quantity's suffix"));
    assertTrue(evalError("quantity('10Mm')").getMessage().contains("unable to parse quantity's suffix"));
    assertTrue(
        evalError("quantity('9999999999999999999999999999999999999G').asInteger()")
            .getMessage()
            .contains("cannot convert value to integer"));
    assertTrue(evalError("quantity('1.5').asInteger()").getMessage().contains("cannot convert value to integer"));
    assertTrue(
        TestCel.compileError("isQuantity([1, 2, 3])").getMessage().contains("found no matching overload for 'isQuantity'"));
  }

  @Test
  void overflowingAddMovesToArbitraryPrecision() {
    Quantity big = Quantity.parse("9223372036854775807");
    Quantity sum = big.add(Quantity.ofLong(1));
    assertEquals(0, new BigDecimal("9223372036854775808").compareTo(sum.toBigDecimal()));
    assertFalse(sum.isInteger());
  }

  @Test
  void refusesArithmeticThatWouldMaterialiseHugeNumbers() {
    assertTrue(evalError("quantity('1e999999999').add(quantity('1.5'))").getMessage().contains("out of supported range"));
    assertEquals(Double.POSITIVE_INFINITY, eval("quantity('1e999999999').asApproximateFloat()"));
  }

  @Test
  void paramsFromJsonReachQuantityThroughString() {
    Map<String, Object> params = Map.of("cpu", 0.1, "count", 5L, "big", 1e20);
    Map<String, Object> vars = Map.of("params", params);
    assertEquals(true, eval("quantity(string(params.cpu)) == quantity('100m')", vars));
    assertEquals(true, eval("quantity(string(params.count)) == quantity('5')", vars));
    // string(double) is Java's Double.toString: 1e20 becomes "1.0E20", still a valid quantity.
    assertEquals("1.0E20", eval("string(params.big)", vars));
    assertEquals(true, eval("quantity(string(params.big)) == quantity('100E')", vars));
  }
}
