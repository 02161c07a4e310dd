package dev.triage.cel;

import static dev.triage.cel.TestCel.eval;
import static dev.triage.cel.TestCel.evalError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpFunctionsTest {

  @ParameterizedTest
  @CsvSource({
    "127.0.0.1, 127.0.0.1",
    "::1, ::1",
    "::, ::",
    "2001:DB8::ABCD, 2001:db8::abcd",
    "2001:db8::0:0:0:abcd, 2001:db8::abcd",
    "2001:0db8:0000:0000:0001:0000:0000:0001, 2001:db8::1:0:0:1",
    "1:0:0:1:0:0:0:1, 1:0:0:1::1",
    "1:2:3:4:5:6:7:8, 1:2:3:4:5:6:7:8",
    "1:0:2:3:4:5:6:7, 1:0:2:3:4:5:6:7",
    "::1.2.3.4, ::102:304",
    "64:ff9b::192.0.2.33, 64:ff9b::c000:221",
  })
  void parsesAndPrintsCanonically(String text, String canonical) {
    assertEquals(canonical, IpAddress.parse(text).toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "127.0.0.256", ":::1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.04", "1..2.3", ".1.2.3", "1.2.3.4.",
    "::ffff:1.2.3.4", "::ffff:102:304", "fe80::1%eth0", "fe80::1%", "1:2:3:4:5:6:7:8:9", "1::2::3",
    "12345::", "1:2:3:4:5:6:7::8", "", "localhost", "example.com", "1.2.3.4/32", " 1.2.3.4", "[::1]", "%eth0"
  })
  void rejectsWhatKubernetesRejects(String text) {
    assertThrows(IllegalArgumentException.class, () -> IpAddress.parse(text));
    assertFalse(IpAddress.isValid(text));
  }

  @Test
  void ipFunctions() {
    assertEquals(true, eval("isIP('127.0.0.1') && isIP('::1') && !isIP('127.0.0.256') && !isIP(':::1')"));
    assertEquals(4L, eval("ip('127.0.0.1').family()"));
    assertEquals(6L, eval("ip('::1').family()"));
    assertEquals(true, eval("ip('0.0.0.0').isUnspecified() && ip('::').isUnspecified()"));
    assertEquals(false, eval("ip('127.0.0.1').isUnspecified()"));
    assertEquals(true, eval("ip('127.0.0.1').isLoopback() && ip('::1').isLoopback()"));
    assertEquals(false, eval("ip('192.168.0.1').isLoopback() || ip('2001:db8::abcd').isLoopback()"));
    assertEquals(true, eval("ip('224.0.0.1').isLinkLocalMulticast() && ip('ff02::1').isLinkLocalMulticast()"));
    assertEquals(false, eval("ip('224.0.1.1').isLinkLocalMulticast() || ip('fd00::1').isLinkLocalMulticast()"));
    assertEquals(true, eval("ip('169.254.169.254').isLinkLocalUnicast() && ip('fe80::1').isLinkLocalUnicast()"));
    assertEquals(false, eval("ip('192.168.0.1').isLinkLocalUnicast() || ip('fd80::1').isLinkLocalUnicast()"));
    assertEquals(true, eval("ip('192.168.0.1').isGlobalUnicast() && ip('2001:db8::abcd').isGlobalUnicast()"));
    assertEquals(false, eval("ip('255.255.255.255').isGlobalUnicast() || ip('ff00::1').isGlobalUnicast()"));
    assertEquals("2001:db8::abcd", eval("string(ip('2001:DB8::ABCD'))"));
    assertEquals(true, eval("ip('::1') == ip('0:0::1')"));
    assertEquals(true, eval("ip.isCanonical('127.0.0.1') && ip.isCanonical('2001:db8::abcd')"));
    assertEquals(false, eval("ip.isCanonical('2001:DB8::ABCD') || ip.isCanonical('2001:db8::0:0:0:abcd')"));
  }

  @Test
  void ipErrors() {
    assertTrue(evalError("ip('127.0.0.256')").getMessage().contains("IPv4 field has value >255"));
    assertTrue(evalError("ip('::ffff:1.2.3.4')").getMessage().contains("IPv4-mapped IPv6 address"));
    assertTrue(evalError("ip('fe80::1%eth0')").getMessage().contains("with zone value is not allowed"));
    assertTrue(evalError("ip('localhost')").getMessage().contains("unable to parse IP"));
    TestCel.compileError("ip(192168)");
  }

  @Test
  void cidrFunctions() {
    assertEquals(true, eval("isCIDR('192.168.0.0/16') && isCIDR('::1/128')"));
    assertEquals(false, eval("isCIDR('192.168.0.0/33') || isCIDR('::1/129') || isCIDR('10.0.0.0/08') || isCIDR('10.0.0.0/')"));
    assertEquals(false, eval("isCIDR('::ffff:1.2.3.4/120') || isCIDR('10.0.0.0') || isCIDR('fe80::/10%eth0')"));
    assertEquals(true, eval("cidr('192.168.0.0/24').containsIP(ip('192.168.0.1'))"));
    assertEquals(false, eval("cidr('192.168.0.0/24').containsIP(ip('192.168.1.1'))"));
    assertEquals(true, eval("cidr('192.168.0.0/24').containsIP('192.168.0.1')"));
    assertEquals(false, eval("cidr('192.168.0.0/24').containsIP('192.168.1.1')"));
    assertEquals(false, eval("cidr('0.0.0.0/0').containsIP('::1')"));
    assertEquals(true, eval("cidr('2001:db8::/32').containsIP('2001:db8::1')"));
    assertEquals(false, eval("cidr('2001:db8::/32').containsIP(ip('2001:dc8::1'))"));
    assertEquals(true, eval("cidr('192.168.0.0/24').containsCIDR(cidr('192.168.0.0/25'))"));
    assertEquals(false, eval("cidr('192.168.0.0/24').containsCIDR(cidr('192.168.0.0/23'))"));
    assertEquals(true, eval("cidr('192.168.0.0/16').containsCIDR('192.168.10.0/24')"));
    assertEquals(true, eval("cidr('192.168.0.0/16').containsCIDR('192.168.0.1/32')"));
    assertEquals(false, eval("cidr('192.168.1.0/24').containsCIDR('192.168.2.0/24')"));
    assertEquals(true, eval("cidr('2001:db8::/32').containsCIDR('2001:db8::/33')"));
    assertEquals(true, eval("cidr('192.168.0.1/24').ip() == ip('192.168.0.1')"));
    assertEquals(4L, eval("cidr('192.168.0.1/24').ip().family()"));
    assertEquals(true, eval("cidr('192.168.0.1/24').masked() == cidr('192.168.0.0/24')"));
    assertEquals(true, eval("cidr('192.168.0.0/24') == cidr('192.168.0.0/24').masked()"));
    assertEquals(false, eval("cidr('192.168.0.1/24') == cidr('192.168.0.1/24').masked()"));
    assertEquals(true, eval("cidr('2001:db8:1::/32').masked() == cidr('2001:db8::/32')"));
    assertEquals(16L, eval("cidr('192.168.0.0/16').prefixLength()"));
    assertEquals(128L, eval("cidr('::1/128').prefixLength()"));
    assertEquals("192.168.0.0/24", eval("string(cidr('192.168.0.0/24'))"));
    assertEquals("2001:db8::/32", eval("string(cidr('2001:DB8::/32'))"));
  }

  @Test
  void cidrErrors() {
    assertTrue(evalError("cidr('192.168.0.0/')").getMessage().contains("bad bits after slash"));
    assertTrue(evalError("cidr('192.168.0.0/33')").getMessage().contains("prefix length out of range"));
    assertTrue(evalError("cidr('::ffff:1.2.3.4/120')").getMessage().contains("IPv4-mapped IPv6 address"));
    assertTrue(evalError("cidr('10.0.0.0/8').containsIP('10.0.0.256')").getMessage().contains("IPv4 field has value >255"));
    TestCel.compileError("cidr(192168)");
  }
}
