package io.wsproxy.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/** Path helpers shared by the ready route resolvers. Stateless and thread-safe. */
public final class RequestPaths {

  private RequestPaths() {}

  /**
   * A route prefix in canonical form: starts with {@code /}, no trailing {@code /} (except the root
   * {@code /} itself), no empty, {@code .} or {@code ..} segments.
   */
  public static String normalisePrefix(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    if (!prefix.startsWith("/")) {
      throw new IllegalArgumentException("prefix must start with '/': " + prefix);
    }
    String p = prefix.length() > 1 && prefix.endsWith("/")
        ? prefix.substring(0, prefix.length() - 1) : prefix;
    if (p.contains("//") || p.contains("?") || p.contains("#") || hasDotSegment(p)) {
      throw new IllegalArgumentException("prefix is not a clean path: " + prefix);
    }
    return p;
  }

  /**
   * What is left of {@code path} after {@code prefix} when the prefix matches on a segment boundary:
   * {@code ""} for an exact match, {@code "/rest"} otherwise; {@code null} when it does not match.
   * The root prefix {@code /} matches every path and leaves it whole.
   */
  public static String remainderAfterPrefix(String path, String prefix) {
    if (prefix.equals("/")) {
      return path.equals("/") ? "" : path;
    }
    if (!path.startsWith(prefix)) {
      return null;
    }
    if (path.length() == prefix.length()) {
      return "";
    }
    return path.charAt(prefix.length()) == '/' ? path.substring(prefix.length()) : null;
  }

  /** Whether a raw path has a {@code .} or {@code ..} segment, plain or percent-encoded. */
  public static boolean hasDotSegment(String rawPath) {
    for (String seg : rawPath.split("/", -1)) {
      String s = seg.toLowerCase(Locale.ROOT).replace("%2e", ".");
      if (s.equals(".") || s.equals("..")) {
        return true;
      }
    }
    return false;
  }

  /** Whether a raw path holds a percent-encoded slash or backslash ({@code %2f}, {@code %5c}). */
  public static boolean hasEncodedSeparator(String rawPath) {
    String s = rawPath.toLowerCase(Locale.ROOT);
    return s.contains("%2f") || s.contains("%5c");
  }

  /** Most layers of {@code %25} (an encoded {@code %}) {@link #hasTraversal} looks through. */
  private static final int MAX_PERCENT_LAYERS = 3;

  /**
   * Whether a raw path could escape or disguise its place once some server on the way decodes it:
   * a {@code .} or {@code ..} segment (plain, percent-encoded, followed by {@code ;params} as some
   * servers accept, or hidden under {@code %25} double encoding such as {@code %252e%252e}), an
   * encoded separator ({@code %2f}, {@code %5c}, also double-encoded), a raw backslash, or an encoded
   * NUL ({@code %00}). A path nested under more than {@value #MAX_PERCENT_LAYERS} layers of
   * {@code %25} counts as traversal too. An ordinary encoded percent ({@code /100%25}) is fine.
   */
  public static boolean hasTraversal(String rawPath) {
    if (rawPath.indexOf('%') < 0 && rawPath.indexOf('.') < 0 && rawPath.indexOf('\\') < 0) {
      return false; // nothing encoded, no dot, no backslash: the usual path, without the copies
    }
    String p = rawPath;
    for (int layer = 0; layer <= MAX_PERCENT_LAYERS; layer++) {
      String lower = p.toLowerCase(Locale.ROOT);
      if (lower.indexOf('\\') >= 0 || lower.contains("%00") || hasEncodedSeparator(lower)) {
        return true;
      }
      for (String seg : lower.split("/", -1)) {
        String s = seg.replace("%2e", ".");
        int semicolon = s.indexOf(';');
        if (semicolon >= 0) {
          s = s.substring(0, semicolon);
        }
        if (s.equals(".") || s.equals("..")) {
          return true;
        }
      }
      String decoded = p.replace("%25", "%");
      if (decoded.equals(p)) {
        return false;
      }
      p = decoded;
    }
    return true;
  }

  /**
   * Whether {@code s} is a valid raw (percent-encoded) URI path: only RFC 3986 path characters, and
   * every {@code %} followed by two hex digits. The empty string is valid.
   */
  public static boolean isRawPath(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length() || !isHex(s.charAt(i + 1)) || !isHex(s.charAt(i + 2))) {
          return false;
        }
        i += 2;
      } else if (!isPathChar(c)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static boolean isPathChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || "-._~!$&'()*+,;=:@/".indexOf(c) >= 0;
  }

  /**
   * {@code base} with {@code rest} appended to its path and {@code rawQuery} appended to its query;
   * {@code null} if the result is not a valid URI.
   */
  public static URI appendPathAndQuery(URI base, String rest, String rawQuery) {
    String basePath = base.getRawPath() == null ? "" : base.getRawPath();
    if (basePath.endsWith("/") && rest.startsWith("/")) {
      basePath = basePath.substring(0, basePath.length() - 1);
    }
    String path = basePath + rest;
    if (path.isEmpty()) {
      path = "/";
    }
    String query = base.getRawQuery();
    if (rawQuery != null && !rawQuery.isEmpty()) {
      query = query == null || query.isEmpty() ? rawQuery : query + "&" + rawQuery;
    }
    StringBuilder sb = new StringBuilder()
        .append(base.getScheme()).append("://").append(base.getRawAuthority()).append(path);
    if (query != null) {
      sb.append('?').append(query);
    }
    try {
      return new URI(sb.toString());
    } catch (URISyntaxException e) {
      return null;
    }
  }
}
