package io.wsproxy.security.internal;

import java.util.Locale;

/**
 * A serialised web origin, {@code scheme://host[:port]} (RFC 6454 section 6.2), parsed strictly:
 * no user info, path, query, fragment or whitespace inside; ASCII host names only (browsers send
 * IDNs as punycode); bracketed IPv6 literals; ports 1–65535 without leading zeros. Scheme and host are
 * lower-cased and a default port ({@code http}/{@code ws} 80, {@code https}/{@code wss} 443) equals
 * an omitted one. Immutable.
 *
 * @param scheme lower-case scheme
 * @param host   lower-case host name, or {@code [eight:full:hex:groups:...]} for IPv6
 * @param port   the explicit or default port; {@code -1} for a scheme with no known default
 */
public record WebOrigin(String scheme, String host, int port) {

  /** Longest origin considered: 512 chars (a host name is at most 253). */
  public static final int MAX_ORIGIN_CHARS = 512;
  /** Longest DNS host name: 253 chars. */
  public static final int MAX_HOST_CHARS = 253;
  /** Longest DNS label: 63 chars. */
  public static final int MAX_LABEL_CHARS = 63;

  private static final int MAX_PORT = 65_535;

  /** The origin in {@code value}, or {@code null} when it is malformed. */
  public static WebOrigin parse(String value) {
    if (value == null || value.length() > MAX_ORIGIN_CHARS || !isVisibleAscii(value)) {
      return null;
    }
    int sep = value.indexOf("://");
    if (sep <= 0) {
      return null;
    }
    String scheme = value.substring(0, sep).toLowerCase(Locale.ROOT);
    if (!isScheme(scheme)) {
      return null;
    }
    return parseAuthority(scheme, value.substring(sep + 3));
  }

  /** {@code host[:port]} under {@code scheme} (a {@code Host} header's value), or {@code null}. */
  public static WebOrigin parseAuthority(String scheme, String authority) {
    if (authority.length() > MAX_ORIGIN_CHARS || !isVisibleAscii(authority)) {
      return null; // before lower-casing: U+212A KELVIN SIGN lower-cases to an ASCII 'k'
    }
    String host;
    String portText = null;
    if (authority.startsWith("[")) {
      int close = authority.indexOf(']');
      if (close < 0) {
        return null;
      }
      byte[] v6 = IpAddresses.parseExact(authority.substring(1, close));
      if (v6 == null || v6.length != 16) {
        return null;
      }
      host = "[" + IpAddresses.fullV6(v6) + "]";
      String rest = authority.substring(close + 1);
      if (!rest.isEmpty()) {
        if (rest.charAt(0) != ':') {
          return null;
        }
        portText = rest.substring(1);
      }
    } else {
      int colon = authority.indexOf(':');
      host = (colon < 0 ? authority : authority.substring(0, colon)).toLowerCase(Locale.ROOT);
      portText = colon < 0 ? null : authority.substring(colon + 1);
      if (!isHostName(host)) {
        return null;
      }
    }
    int port;
    if (portText == null) {
      port = defaultPort(scheme);
    } else {
      port = parsePort(portText);
      if (port < 0) {
        return null;
      }
    }
    return new WebOrigin(scheme, host, port);
  }

  /** 80 for {@code http}/{@code ws}, 443 for {@code https}/{@code wss}, else {@code -1}. */
  public static int defaultPort(String scheme) {
    return switch (scheme) {
      case "http", "ws" -> 80;
      case "https", "wss" -> 443;
      default -> -1;
    };
  }

  /**
   * Whether {@code host} is a lower-case ASCII host name: dot-separated non-empty labels of letters,
   * digits, {@code -} and {@code _}, within the DNS length limits. A trailing dot (an empty last
   * label) is refused.
   */
  public static boolean isHostName(String host) {
    if (host.isEmpty() || host.length() > MAX_HOST_CHARS) {
      return false;
    }
    int labelStart = 0;
    for (int i = 0; i <= host.length(); i++) {
      if (i == host.length() || host.charAt(i) == '.') {
        int len = i - labelStart;
        if (len == 0 || len > MAX_LABEL_CHARS) {
          return false;
        }
        labelStart = i + 1;
        continue;
      }
      char c = host.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static boolean isVisibleAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return false;
      }
    }
    return true;
  }

  private static boolean isScheme(String s) {
    if (s.isEmpty() || s.charAt(0) < 'a' || s.charAt(0) > 'z') {
      return false;
    }
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')) {
        return false;
      }
    }
    return true;
  }

  /** 1–65535 written without sign or leading zeros, else {@code -1}. */
  private static int parsePort(String s) {
    if (s.isEmpty() || s.length() > 5 || s.charAt(0) == '0') {
      return -1;
    }
    int v = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v <= MAX_PORT ? v : -1;
  }

  /** The origin written back, with the port only when it is not the default. */
  @Override
  public String toString() {
    return port == defaultPort(scheme) || port < 0 ? scheme + "://" + host
        : scheme + "://" + host + ":" + port;
  }
}
