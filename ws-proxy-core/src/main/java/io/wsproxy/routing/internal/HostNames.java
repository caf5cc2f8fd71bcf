package io.wsproxy.routing.internal;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/** Validation of configured host names and public domains. Stateless and thread-safe. */
public final class HostNames {

  /** Longest DNS label: 63 characters (RFC 1035). */
  public static final int MAX_LABEL_LENGTH = 63;
  /** Longest DNS name: 253 characters (RFC 1035). */
  public static final int MAX_NAME_LENGTH = 253;

  private static final Pattern LABEL = Pattern.compile("[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?");
  private static final Pattern STRICT_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?");
  private static final Pattern IPV4 = Pattern.compile(
      "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final Pattern IPV6 = Pattern.compile("[0-9a-f:.]+");

  private HostNames() {}

  /**
   * A host to dial, in the form to put in a URI's authority: a DNS name or IPv4 address
   * (lower-cased), or an IPv6 address in brackets. No scheme, port, path or user info.
   *
   * @param field the configuration field's name, for error messages
   */
  public static String uriHost(String field, String host) {
    Objects.requireNonNull(host, field);
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.contains(":")) {
      if (!IPV6.matcher(h).matches() || h.split(":", -1).length < 3) {
        throw notAHost(field, host);
      }
      return "[" + h + "]";
    }
    if (!isDnsName(h, LABEL)) {
      throw notAHost(field, host);
    }
    return h;
  }

  private static IllegalArgumentException notAHost(String field, String host) {
    return new IllegalArgumentException(
        field + " must be a host name or IP address, without scheme, port or path: " + host);
  }

  /**
   * A public domain as clients type it: a host name or address, optionally with {@code :port};
   * lower-cased. No scheme, path, query or user info.
   */
  public static String publicDomain(String field, String domain) {
    Objects.requireNonNull(domain, field);
    String d = domain.trim();
    String hint = " (expected a host name, optionally with :port, like proxy.example.com)";
    if (d.isEmpty() || d.contains("://") || d.contains("/") || d.contains("?") || d.contains("#")
        || d.contains("@")) {
      throw new IllegalArgumentException(field + " must not hold a scheme, path, query or user info: "
          + domain + hint);
    }
    String host = d;
    String port = null;
    int colon = d.lastIndexOf(':');
    if (colon >= 0 && (d.indexOf(':') == colon || d.startsWith("[") && d.charAt(colon - 1) == ']')) {
      host = d.substring(0, colon);
      port = d.substring(colon + 1);
      if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1
          || Integer.parseInt(port) > 65535) {
        throw new IllegalArgumentException(field + " has a bad port: " + domain + hint);
      }
    }
    String uriHost;
    try {
      uriHost = uriHost(field, host);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + " is not a valid domain: " + domain + hint, e);
    }
    return port == null ? uriHost : uriHost + ":" + Integer.parseInt(port);
  }

  /** The host part of a public domain or {@code Host} header value: the port removed. */
  public static String withoutPort(String hostAndPort) {
    String h = hostAndPort.trim().toLowerCase(Locale.ROOT);
    int colon = h.lastIndexOf(':');
    if (colon >= 0 && (h.indexOf(':') == colon || h.charAt(colon - 1) == ']')) {
      return h.substring(0, colon);
    }
    return h;
  }

  /** Whether {@code label} is a DNS label a browser keeps as is: lower-case letters, digits, '-'. */
  public static boolean isStrictLabel(String label) {
    return label.length() <= MAX_LABEL_LENGTH && STRICT_LABEL.matcher(label).matches();
  }

  /** Whether a host (without port) is an IP literal rather than a DNS name. */
  public static boolean isIpLiteral(String host) {
    return host.startsWith("[") || IPV4.matcher(host).matches();
  }

  private static boolean isDnsName(String h, Pattern label) {
    if (h.isEmpty() || h.length() > MAX_NAME_LENGTH) {
      return false;
    }
    if (IPV4.matcher(h).matches()) {
      return true;
    }
    for (String l : h.split("\\.", -1)) {
      if (l.length() > MAX_LABEL_LENGTH || !label.matcher(l).matches()) {
        return false;
      }
    }
    return true;
  }
}
