package io.wsproxy.security.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Strict numeric parsing of IP addresses: never a DNS lookup. Accepts dotted-quad IPv4 (four decimal
 * parts, no leading zeros, so no octal or hex look-alikes such as {@code 010.1.1.1} or
 * {@code 0x7f.1}) and RFC 4291 IPv6 text (with {@code ::} and an embedded IPv4 tail); no zone ids.
 * IPv4-mapped IPv6 addresses ({@code ::ffff:1.2.3.4}) come back as their 4-byte IPv4 form, as Java's
 * sockets report them. Stateless and thread-safe.
 */
public final class IpAddresses {

  /** Longest text accepted for one address: a full IPv6 address with an IPv4 tail is 45 chars. */
  public static final int MAX_ADDRESS_CHARS = 45;

  private static final byte[] MAPPED_PREFIX = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff,
      (byte) 0xff};

  private IpAddresses() {}

  /** The address's bytes (4 or 16), or {@code null} when {@code text} is not a numeric address. */
  public static byte[] parse(String text) {
    byte[] bytes = parseExact(text);
    return bytes == null ? null : unmap(bytes);
  }

  /**
   * As {@link #parse}, but an IPv4-mapped IPv6 address stays 16 bytes: IPv6 text always gives 16
   * bytes, IPv4 text 4.
   */
  public static byte[] parseExact(String text) {
    if (text == null || text.isEmpty() || text.length() > MAX_ADDRESS_CHARS) {
      return null;
    }
    return text.indexOf(':') >= 0 ? parseV6(text) : parseV4(text, 0, text.length());
  }

  /** Eight lower-case hex groups without compression: one spelling per 16-byte address. */
  public static String fullV6(byte[] b) {
    if (b.length != 16) {
      throw new IllegalArgumentException("not 16 bytes: " + b.length);
    }
    StringBuilder sb = new StringBuilder(39);
    for (int i = 0; i < 16; i += 2) {
      if (i > 0) {
        sb.append(':');
      }
      sb.append(Integer.toHexString(((b[i] & 0xff) << 8) | (b[i + 1] & 0xff)));
    }
    return sb.toString();
  }

  /** {@code bytes} as an {@link InetAddress}, built without any name lookup. */
  public static InetAddress toInetAddress(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not 4 or 16 bytes: " + bytes.length, e);
    }
  }

  /** The address's bytes, with an IPv4-mapped IPv6 address reduced to its 4 IPv4 bytes. */
  public static byte[] bytesOf(InetAddress address) {
    return unmap(address.getAddress());
  }

  private static byte[] unmap(byte[] b) {
    if (b.length != 16) {
      return b;
    }
    for (int i = 0; i < MAPPED_PREFIX.length; i++) {
      if (b[i] != MAPPED_PREFIX[i]) {
        return b;
      }
    }
    return new byte[] {b[12], b[13], b[14], b[15]};
  }

  private static byte[] parseV4(String s, int from, int to) {
    byte[] out = new byte[4];
    int part = 0;
    int i = from;
    while (part < 4) {
      int start = i;
      int value = 0;
      while (i < to && i - start < 3 && isDigit(s.charAt(i))) {
        value = value * 10 + (s.charAt(i) - '0');
        i++;
      }
      int len = i - start;
      if (len == 0 || value > 255 || (len > 1 && s.charAt(start) == '0')) {
        return null;
      }
      out[part++] = (byte) value;
      if (part < 4) {
        if (i >= to || s.charAt(i) != '.') {
          return null;
        }
        i++;
      }
    }
    return i == to ? out : null;
  }

  private static byte[] parseV6(String s) {
    int len = s.length();
    byte[] out = new byte[16];
    int groups = 0; // 16-bit groups written
    int gap = -1; // group index where "::" sits
    int i = 0;
    if (s.startsWith("::")) {
      gap = 0;
      i = 2;
      if (i == len) {
        return out; // "::"
      }
    } else if (s.charAt(0) == ':') {
      return null;
    }
    while (i < len) {
      if (groups >= 8) {
        return null;
      }
      int start = i;
      int value = 0;
      while (i < len && i - start < 4 && hexDigit(s.charAt(i)) >= 0) {
        value = (value << 4) | hexDigit(s.charAt(i));
        i++;
      }
      if (i < len && s.charAt(i) == '.') { // an IPv4 tail: the last 32 bits
        if (groups > 6) {
          return null;
        }
        byte[] v4 = parseV4(s, start, len);
        if (v4 == null) {
          return null;
        }
        System.arraycopy(v4, 0, out, groups * 2, 4);
        groups += 2;
        i = len;
        break;
      }
      if (i == start) {
        return null;
      }
      out[groups * 2] = (byte) (value >>> 8);
      out[groups * 2 + 1] = (byte) value;
      groups++;
      if (i == len) {
        break;
      }
      if (s.charAt(i) != ':') {
        return null;
      }
      i++;
      if (i < len && s.charAt(i) == ':') {
        if (gap >= 0) {
          return null; // a second "::"
        }
        gap = groups;
        i++;
      } else if (i == len) {
        return null; // trailing single ':'
      }
    }
    if (gap < 0) {
      return groups == 8 ? out : null;
    }
    if (groups == 8) {
      return null; // "::" must stand for at least one group
    }
    int tail = groups - gap; // groups written after the gap move to the end
    byte[] shifted = new byte[16];
    System.arraycopy(out, 0, shifted, 0, gap * 2);
    System.arraycopy(out, gap * 2, shifted, 16 - tail * 2, tail * 2);
    return shifted;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** The value of an ASCII hex digit, or -1 ({@link Character#digit} also takes other scripts). */
  static int hexDigit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }
}
