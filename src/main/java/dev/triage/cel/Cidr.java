package dev.triage.cel;

import java.util.Objects;

/**
 * An IP prefix in CIDR notation, with the semantics of Go's {@code netip.Prefix} and the
 * Kubernetes restrictions. Host bits after the prefix are allowed and kept ({@code
 * cidr('10.0.0.1/8').ip()} is 10.0.0.1); {@link #masked()} clears them.
 */
public final class Cidr {

  private final IpAddress address;
  private final int bits;

  private Cidr(IpAddress address, int bits) {
    this.address = address;
    this.bits = bits;
  }

  /**
   * Parses like Kubernetes' {@code cidr()}.
   *
   * @throws IllegalArgumentException with a message naming the input if it is not accepted
   */
  public static Cidr parse(String text) {
    int slash = text.lastIndexOf('/');
    if (slash < 0) {
      throw error(text, "no '/'");
    }
    IpAddress addr;
    try {
      addr = IpAddress.parseAllowingMapped(text.substring(0, slash));
    } catch (IllegalArgumentException e) {
      throw error(text, e.getMessage());
    }
    String bitsText = text.substring(slash + 1);
    // Go refuses signs and leading zeros, which Integer.parseInt would accept.
    if (bitsText.length() > 1 && (bitsText.charAt(0) < '1' || bitsText.charAt(0) > '9')) {
      throw error(text, "bad bits after slash: " + GoQuote.quote(bitsText));
    }
    if (bitsText.isEmpty() || !bitsText.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw error(text, "bad bits after slash: " + GoQuote.quote(bitsText));
    }
    long bits;
    try {
      bits = Long.parseLong(bitsText);
    } catch (NumberFormatException e) {
      throw error(text, "bad bits after slash: " + GoQuote.quote(bitsText));
    }
    if (bits > addr.bitLength()) {
      throw error(text, "prefix length out of range");
    }
    if (addr.isIpv4Mapped()) {
      throw new IllegalArgumentException(
          "network address parse error during conversion from string: IPv4-mapped IPv6 address "
              + GoQuote.quote(text) + " is not allowed");
    }
    return new Cidr(addr, (int) bits);
  }

  private static IllegalArgumentException error(String in, String msg) {
    return new IllegalArgumentException(
        "network address parse error during conversion from string: netip.ParsePrefix("
            + GoQuote.quote(in) + "): " + msg);
  }

  public static boolean isValid(String text) {
    try {
      parse(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The address as written, host bits included. */
  public IpAddress ip() {
    return address;
  }

  public long prefixLength() {
    return bits;
  }

  /** The same prefix with the host bits cleared. */
  public Cidr masked() {
    return new Cidr(maskAddress(address, bits), bits);
  }

  /** True if {@code ip} is of the same family and agrees with this prefix on its leading bits. */
  public boolean contains(IpAddress ip) {
    if (ip.bitLength() != address.bitLength()) {
      return false;
    }
    return maskAddress(ip, bits).equals(maskAddress(address, bits));
  }

  /**
   * True if {@code other} lies entirely inside this prefix: same family, at least as long a prefix,
   * and equal network bits. This is the corrected Kubernetes behaviour (kubernetes#130450); older
   * releases only matched when the two network addresses were identical.
   */
  public boolean contains(Cidr other) {
    if (other.address.bitLength() != address.bitLength() || bits > other.bits) {
      return false;
    }
    return maskAddress(other.address, bits).equals(maskAddress(address, bits));
  }

  private static IpAddress maskAddress(IpAddress addr, int bits) {
    byte[] b = addr.bytes();
    for (int i = 0; i < b.length; i++) {
      int keep = Math.max(0, Math.min(8, bits - 8 * i));
      b[i] &= (byte) (0xff << (8 - keep));
    }
    return new IpAddress(b);
  }

  @Override
  public String toString() {
    return address + "/" + bits;
  }

  /** Equal when address and prefix length are equal; {@code 10.0.0.1/8 != 10.0.0.0/8}. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Cidr && bits == ((Cidr) o).bits && address.equals(((Cidr) o).address);
  }

  @Override
  public int hashCode() {
    return Objects.hash(address, bits);
  }
}
