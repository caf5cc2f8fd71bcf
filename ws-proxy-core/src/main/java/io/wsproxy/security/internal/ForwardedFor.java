package io.wsproxy.security.internal;

import java.util.List;
import java.util.function.Predicate;

/**
 * Finds the client behind a chain of trusted proxies from {@code X-Forwarded-For}: walking from the
 * right (the entry the nearest proxy appended), the first entry that is not a trusted proxy is the
 * client. Bounded: at most {@link #MAX_TRUSTED_HOPS} trusted entries are walked, entries longer than
 * {@link #MAX_ENTRY_CHARS} are garbage, and no entry is copied before its length is checked, so a
 * 10,000-entry header costs one backward scan at most. Stateless and thread-safe; never looks up a
 * name.
 */
public final class ForwardedFor {

  /** Most trusted proxies walked through before the walk stops at the last one: 32. */
  public static final int MAX_TRUSTED_HOPS = 32;
  /** Longest entry considered ({@code [v6 with v4 tail]:port} plus quotes fits): 64 chars. */
  public static final int MAX_ENTRY_CHARS = 64;

  private static final int MAX_PORT_DIGITS = 5;

  private ForwardedFor() {}

  /**
   * The client's address. {@code peer} itself when it is not trusted; otherwise the rightmost
   * untrusted entry of {@code headerValues} (every {@code X-Forwarded-For} value in order). When an
   * entry is not an address ({@code unknown}, an obfuscated {@code _name}, garbage) or the hop bound
   * is reached, the walk stops and the last trusted hop is the answer: it is the last address known
   * to have forwarded the request. When every entry is trusted, the leftmost one is the client.
   *
   * @param peer         the TCP peer, 4 or 16 bytes
   * @param headerValues the {@code X-Forwarded-For} field values, in the order received
   * @param trusted      whether an address (4 or 16 bytes) is a trusted proxy
   */
  public static byte[] clientAddress(byte[] peer, List<String> headerValues,
      Predicate<byte[]> trusted) {
    if (!trusted.test(peer)) {
      return peer;
    }
    byte[] current = peer;
    int hops = 0;
    for (int v = headerValues.size() - 1; v >= 0; v--) {
      String value = headerValues.get(v);
      int end = value.length();
      while (end >= 0) {
        int comma = value.lastIndexOf(',', end - 1);
        int start = comma + 1;
        int from = skipSpace(value, start, end);
        int to = trimEnd(value, from, end);
        end = comma; // -1 ends this header value after this entry
        if (from == to) {
          continue; // an empty list element carries no claim
        }
        byte[] addr = to - from > MAX_ENTRY_CHARS ? null : parseEntry(value.substring(from, to));
        if (addr == null) {
          return current;
        }
        if (!trusted.test(addr)) {
          return addr;
        }
        current = addr;
        if (++hops >= MAX_TRUSTED_HOPS) {
          return current;
        }
      }
    }
    return current;
  }

  /**
   * One entry as an address: {@code 1.2.3.4}, {@code 1.2.3.4:5678}, {@code 2001:db8::1},
   * {@code [2001:db8::1]} or {@code [2001:db8::1]:80}, optionally in double quotes; {@code null} for
   * anything else.
   */
  public static byte[] parseEntry(String entry) {
    String s = entry;
    if (s.length() >= 2 && s.charAt(0) == '"' && s.charAt(s.length() - 1) == '"') {
      s = s.substring(1, s.length() - 1);
    }
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0 || !isPortSuffix(s, close + 1)) {
        return null;
      }
      String inside = s.substring(1, close);
      return inside.indexOf(':') >= 0 ? IpAddresses.parse(inside) : null;
    }
    int colon = s.indexOf(':');
    if (colon >= 0 && s.indexOf(':', colon + 1) < 0) { // exactly one colon: IPv4 with a port
      if (!isPortSuffix(s, colon)) {
        return null;
      }
      byte[] v4 = IpAddresses.parse(s.substring(0, colon));
      return v4 != null && v4.length == 4 ? v4 : null;
    }
    return IpAddresses.parse(s);
  }

  /** Whether {@code s} from {@code at} is empty or {@code :} followed by 1–5 digits. */
  private static boolean isPortSuffix(String s, int at) {
    if (at == s.length()) {
      return true;
    }
    int digits = s.length() - at - 1;
    if (s.charAt(at) != ':' || digits < 1 || digits > MAX_PORT_DIGITS) {
      return false;
    }
    for (int i = at + 1; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static int skipSpace(String s, int from, int to) {
    int i = from;
    while (i < to && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }

  private static int trimEnd(String s, int from, int to) {
    int i = to;
    while (i > from && (s.charAt(i - 1) == ' ' || s.charAt(i - 1) == '\t')) {
      i--;
    }
    return i;
  }
}
