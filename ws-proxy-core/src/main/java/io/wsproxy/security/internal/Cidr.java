package io.wsproxy.security.internal;

import java.util.Arrays;

/**
 * One IPv4 or IPv6 network: {@code 10.0.0.0/8}, {@code fd00::/8}, or a bare address (a /32 or /128).
 * Immutable and thread-safe. IPv4 and IPv6 never match each other, except that IPv4-mapped IPv6
 * networks ({@code ::ffff:10.0.0.0/104}) are stored as their IPv4 form.
 */
public final class Cidr {

  private final byte[] network;
  private final int prefixBits;
  private final String text;

  private Cidr(byte[] network, int prefixBits, String text) {
    this.network = network;
    this.prefixBits = prefixBits;
    this.text = text;
  }

  /**
   * Parses {@code address[/prefix]}; throws {@link IllegalArgumentException} naming the entry when
   * it is not a numeric address, the prefix is out of range, or host bits are set.
   */
  public static Cidr parse(String entry) {
    if (entry == null) {
      throw new IllegalArgumentException("trusted proxy entry is null");
    }
    String s = entry.strip();
    int slash = s.indexOf('/');
    String addr = slash < 0 ? s : s.substring(0, slash);
    byte[] bytes = IpAddresses.parse(addr);
    if (bytes == null) {
      throw new IllegalArgumentException("trusted proxy is not a numeric IPv4 or IPv6 address or "
          + "CIDR (host names are not looked up): '" + entry + "'");
    }
    int maxBits = bytes.length * 8;
    int prefix = slash < 0 ? maxBits : prefixOf(s.substring(slash + 1), entry);
    if (bytes.length == 4 && addr.indexOf(':') >= 0) {
      prefix -= 96; // an IPv4-mapped IPv6 network, stored as IPv4
      if (prefix < 0) {
        throw new IllegalArgumentException("IPv4-mapped trusted proxy network needs a prefix of "
            + "at least /96: '" + entry + "'");
      }
    }
    if (prefix > maxBits) {
      throw new IllegalArgumentException("trusted proxy prefix is longer than /" + maxBits + ": '"
          + entry + "'");
    }
    for (int bit = prefix; bit < maxBits; bit++) {
      if ((bytes[bit / 8] & (0x80 >>> (bit % 8))) != 0) {
        throw new IllegalArgumentException("trusted proxy network has host bits set (write the "
            + "network address, e.g. 10.0.0.0/8): '" + entry + "'");
      }
    }
    String text = IpAddresses.toInetAddress(bytes).getHostAddress() + "/" + prefix;
    return new Cidr(bytes, prefix, text);
  }

  private static int prefixOf(String digits, String entry) {
    if (digits.isEmpty() || digits.length() > 3 || !digits.chars().allMatch(Character::isDigit)
        || (digits.length() > 1 && digits.charAt(0) == '0')) {
      throw new IllegalArgumentException("trusted proxy prefix is not a number: '" + entry + "'");
    }
    return Integer.parseInt(digits);
  }

  /** Whether {@code address} (4 or 16 bytes, IPv4-mapped already reduced) is in this network. */
  public boolean contains(byte[] address) {
    if (address.length != network.length) {
      return false;
    }
    int full = prefixBits / 8;
    for (int i = 0; i < full; i++) {
      if (address[i] != network[i]) {
        return false;
      }
    }
    int rest = prefixBits % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (address[full] & mask) == (network[full] & mask);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cidr c && c.prefixBits == prefixBits && Arrays.equals(c.network, network);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(network) + prefixBits;
  }

  /** The canonical {@code address/prefix}. */
  @Override
  public String toString() {
    return text;
  }
}
