package io.wsproxy.security.internal;

import java.net.IDN;
import java.util.Locale;

/**
 * One allow-list entry: an exact origin ({@code https://app.example.com},
 * {@code http://localhost:3000}) or a wildcard over whole subdomain labels
 * ({@code https://*.example.com}). A wildcard stands for one or more whole labels in front of the
 * suffix, never for the bare suffix ({@code https://example.com}) nor for part of a label. Scheme
 * and port always match exactly (default ports folded). Immutable.
 */
public final class OriginPattern {

  private static final String WILDCARD = "*.";

  private final WebOrigin origin; // for a wildcard, host is the suffix after "*."
  private final boolean wildcard;
  private final String text;

  private OriginPattern(WebOrigin origin, boolean wildcard) {
    this.origin = origin;
    this.wildcard = wildcard;
    this.text = wildcard
        ? origin.toString().replace("://", "://" + WILDCARD) : origin.toString();
  }

  /**
   * Parses an allow-list entry; an international host name may be written in Unicode (it is stored
   * as punycode).
   *
   * @throws IllegalArgumentException naming the pattern when it is not {@code scheme://host[:port]}
   *     or {@code scheme://*.suffix[:port]}, or when the wildcard's suffix is a single label
   */
  public static OriginPattern parse(String pattern) {
    if (pattern == null) {
      throw new IllegalArgumentException("origin pattern is null");
    }
    String p = pattern.strip();
    if (p.equals("*")) {
      throw bad(pattern, "use OriginFilter.allowAll() to allow every origin");
    }
    if (p.equalsIgnoreCase("null")) {
      throw bad(pattern, "use allowNull(true) to allow the 'null' origin");
    }
    int sep = p.indexOf("://");
    if (sep <= 0) {
      throw bad(pattern, "expected scheme://host[:port]");
    }
    String scheme = p.substring(0, sep);
    String authority = p.substring(sep + 3);
    if (authority.indexOf('/') >= 0 || authority.indexOf('?') >= 0 || authority.indexOf('#') >= 0
        || authority.indexOf('@') >= 0) {
      throw bad(pattern, "an origin has no user info, path, query or fragment");
    }
    boolean wildcard = authority.startsWith(WILDCARD);
    if (wildcard) {
      authority = authority.substring(WILDCARD.length());
    }
    if (authority.indexOf('*') >= 0) {
      throw bad(pattern, "'*' is allowed only as the whole first label, as in https://*.example.com");
    }
    WebOrigin origin = WebOrigin.parse(scheme + "://" + toAscii(authority, pattern));
    if (origin == null) {
      throw bad(pattern, "expected scheme://host[:port] with a valid host and a port of 1-65535");
    }
    if (wildcard && (origin.host().startsWith("[") || origin.host().indexOf('.') < 0)) {
      throw bad(pattern, "a wildcard needs a domain of at least two labels, as in *.example.com");
    }
    return new OriginPattern(origin, wildcard);
  }

  /** Whether {@code candidate} is allowed by this entry. */
  public boolean matches(WebOrigin candidate) {
    if (!candidate.scheme().equals(origin.scheme()) || candidate.port() != origin.port()) {
      return false;
    }
    String host = candidate.host();
    if (!wildcard) {
      return host.equals(origin.host());
    }
    String suffix = origin.host();
    // the '.' before the suffix puts the match on a label boundary; host labels are never empty
    return host.length() > suffix.length() + 1 && host.endsWith(suffix)
        && host.charAt(host.length() - suffix.length() - 1) == '.';
  }

  /** The host part converted to punycode when it holds non-ASCII characters. */
  private static String toAscii(String authority, String pattern) {
    if (authority.chars().allMatch(c -> c < 0x80)) {
      return authority;
    }
    int colon = authority.lastIndexOf(':');
    String host = colon < 0 ? authority : authority.substring(0, colon);
    String port = colon < 0 ? "" : authority.substring(colon);
    try {
      return IDN.toASCII(host, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT) + port;
    } catch (IllegalArgumentException e) {
      throw bad(pattern, "the host is not a valid international domain name");
    }
  }

  private static IllegalArgumentException bad(String pattern, String why) {
    return new IllegalArgumentException("invalid origin pattern '" + pattern + "': " + why);
  }

  /** The pattern in canonical form, e.g. {@code https://*.example.com:8443}. */
  @Override
  public String toString() {
    return text;
  }
}
