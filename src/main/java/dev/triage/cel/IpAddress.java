package dev.triage.cel;

import java.util.Arrays;

/**
 * An IPv4 or IPv6 address, parsed literally with the rules of Go's {@code netip.ParseAddr} plus the
 * Kubernetes restrictions: no zones, no IPv4-mapped IPv6 addresses, no leading zeros in IPv4
 * octets. No name resolution ever happens.
 */
public final class IpAddress {

  private final byte[] bytes; // 4 or 16 bytes

  IpAddress(byte[] bytes) {
    this.bytes = bytes.clone();
  }

  /**
   * Parses an address the way Kubernetes' {@code ip()} does.
   *
   * @throws IllegalArgumentException with a message naming the input if it is not accepted
   */
  public static IpAddress parse(String text) {
    IpAddress addr = parseAllowingMapped(text);
    if (addr.isIpv4Mapped()) {
      throw new IllegalArgumentException(
          "IPv4-mapped IPv6 address " + GoQuote.quote(text) + " is not allowed");
    }
    return addr;
  }

  /** Parses like Go's netip.ParseAddr, rejecting zones but not IPv4-mapped addresses. */
  static IpAddress parseAllowingMapped(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '.') {
        return new IpAddress(parseIpv4(text, text));
      }
      if (c == ':') {
        return new IpAddress(parseIpv6(text));
      }
      if (c == '%') {
        throw error(text, "missing IPv6 address");
      }
    }
    throw error(text, "unable to parse IP");
  }

  public static boolean isValid(String text) {
    try {
      parse(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static IllegalArgumentException error(String in, String msg) {
    return new IllegalArgumentException(
        "IP Address " + GoQuote.quote(in) + " parse error during conversion from string: "
            + "ParseAddr(" + GoQuote.quote(in) + "): " + msg);
  }

  private static byte[] parseIpv4(String s, String in) {
    byte[] fields = new byte[4];
    int val = 0;
    int pos = 0;
    int digits = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        if (digits == 1 && val == 0) {
          throw error(in, "IPv4 field has octet with leading zero");
        }
        val = val * 10 + (c - '0');
        digits++;
        if (val > 255) {
          throw error(in, "IPv4 field has value >255");
        }
      } else if (c == '.') {
        if (i == 0 || i == s.length() - 1 || s.charAt(i - 1) == '.') {
          throw error(in, "IPv4 field must have at least one digit");
        }
        if (pos == 3) {
          throw error(in, "IPv4 address too long");
        }
        fields[pos++] = (byte) val;
        val = 0;
        digits = 0;
      } else {
        throw error(in, "unexpected character");
      }
    }
    if (pos < 3) {
      throw error(in, "IPv4 address too short");
    }
    fields[3] = (byte) val;
    return fields;
  }

  private static byte[] parseIpv6(String in) {
    String s = in;
    int zone = s.indexOf('%');
    if (zone >= 0) {
      if (zone == s.length() - 1) {
        throw error(in, "zone must be a non-empty string");
      }
      // Kubernetes rejects every zoned address, so there is no need to keep the zone.
      throw new IllegalArgumentException(
          "IP address " + GoQuote.quote(in) + " with zone value is not allowed");
    }
    byte[] ip = new byte[16];
    int ellipsis = -1;
    if (s.length() >= 2 && s.charAt(0) == ':' && s.charAt(1) == ':') {
      ellipsis = 0;
      s = s.substring(2);
      if (s.isEmpty()) {
        return ip;
      }
    }
    int i = 0;
    while (i < 16) {
      int off = 0;
      int acc = 0;
      for (; off < s.length(); off++) {
        int d = Character.digit(s.charAt(off), 16);
        if (d < 0 || s.charAt(off) > 'f') {
          break;
        }
        acc = (acc << 4) + d;
        if (off > 3) {
          throw error(in, "each group must have 4 or less digits");
        }
      }
      if (off == 0) {
        throw error(in, "each colon-separated field must have at least one digit");
      }
      if (off < s.length() && s.charAt(off) == '.') {
        if (ellipsis < 0 && i != 12) {
          throw error(in, "embedded IPv4 address must replace the final 2 fields of the address");
        }
        if (i + 4 > 16) {
          throw error(in, "too many hex fields to fit an embedded IPv4 at the end of the address");
        }
        byte[] v4 = parseIpv4(s, in);
        System.arraycopy(v4, 0, ip, i, 4);
        s = "";
        i += 4;
        break;
      }
      ip[i] = (byte) (acc >> 8);
      ip[i + 1] = (byte) acc;
      i += 2;
      s = s.substring(off);
      if (s.isEmpty()) {
        break;
      }
      if (s.charAt(0) != ':') {
        throw error(in, "unexpected character, want colon");
      } else if (s.length() == 1) {
        throw error(in, "colon must be followed by more characters");
      }
      s = s.substring(1);
      if (s.charAt(0) == ':') {
        if (ellipsis >= 0) {
          throw error(in, "multiple :: in address");
        }
        ellipsis = i;
        s = s.substring(1);
        if (s.isEmpty()) {
          break;
        }
      }
    }
    if (!s.isEmpty()) {
      throw error(in, "trailing garbage after address");
    }
    if (i < 16) {
      if (ellipsis < 0) {
        throw error(in, "address string too short");
      }
      int n = 16 - i;
      for (int j = i - 1; j >= ellipsis; j--) {
        ip[j + n] = ip[j];
      }
      Arrays.fill(ip, ellipsis, ellipsis + n, (byte) 0);
    } else if (ellipsis >= 0) {
      throw error(in, "the :: must expand to at least one field of zeros");
    }
    return ip;
  }

  byte[] bytes() {
    return bytes.clone();
  }

  int bitLength() {
    return bytes.length * 8;
  }

  /** 4 or 6. */
  public long family() {
    return bytes.length == 4 ? 4 : 6;
  }

  boolean isIpv4Mapped() {
    if (bytes.length != 16) {
      return false;
    }
    for (int i = 0; i < 10; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
  }

  private int u8(int i) {
    return bytes[i] & 0xff;
  }

  private int u16(int group) {
    return (u8(2 * group) << 8) | u8(2 * group + 1);
  }

  public boolean isUnspecified() {
    for (byte b : bytes) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  public boolean isLoopback() {
    if (bytes.length == 4) {
      return u8(0) == 127;
    }
    for (int i = 0; i < 15; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return bytes[15] == 1;
  }

  public boolean isMulticast() {
    return bytes.length == 4 ? (u8(0) & 0xf0) == 0xe0 : u8(0) == 0xff;
  }

  /** 224.0.0.0/24 or ffX2::/16, as in Go. */
  public boolean isLinkLocalMulticast() {
    return bytes.length == 4
        ? u8(0) == 224 && u8(1) == 0 && u8(2) == 0
        : (u16(0) & 0xff0f) == 0xff02;
  }

  /** 169.254.0.0/16 or fe80::/10. */
  public boolean isLinkLocalUnicast() {
    return bytes.length == 4 ? u8(0) == 169 && u8(1) == 254 : (u16(0) & 0xffc0) == 0xfe80;
  }

  /**
   * Go's definition: anything but unspecified, IPv4 broadcast, loopback, multicast and link-local
   * unicast. Private and ULA addresses count as global unicast.
   */
  public boolean isGlobalUnicast() {
    if (bytes.length == 4 && (isUnspecified() || (u8(0) & u8(1) & u8(2) & u8(3)) == 0xff)) {
      return false;
    }
    return !isUnspecified() && !isLoopback() && !isMulticast() && !isLinkLocalUnicast();
  }

  /** The canonical text form (RFC 5952 for IPv6), as Go's Addr.String(). */
  @Override
  public String toString() {
    if (bytes.length == 4) {
      return u8(0) + "." + u8(1) + "." + u8(2) + "." + u8(3);
    }
    int zeroStart = -1;
    int zeroEnd = -1;
    for (int i = 0; i < 8; i++) {
      int j = i;
      while (j < 8 && u16(j) == 0) {
        j++;
      }
      if (j - i >= 2 && j - i > zeroEnd - zeroStart) {
        zeroStart = i;
        zeroEnd = j;
      }
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == zeroStart) {
        sb.append("::");
        i = zeroEnd;
        if (i >= 8) {
          break;
        }
      } else if (i > 0) {
        sb.append(':');
      }
      sb.append(Integer.toHexString(u16(i)));
    }
    return sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IpAddress && Arrays.equals(bytes, ((IpAddress) o).bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }
}
