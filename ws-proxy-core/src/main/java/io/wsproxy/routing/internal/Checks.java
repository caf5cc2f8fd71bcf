package io.wsproxy.routing.internal;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/** Argument checks shared by the routing configuration types. Stateless and thread-safe. */
public final class Checks {

  /** Highest TCP port. */
  public static final int MAX_PORT = 65535;

  /** Subprotocol names are RFC 7230 tokens. */
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  private Checks() {}

  /** {@code port} if it is 1..65535. */
  public static int port(String field, int port) {
    if (port < 1 || port > MAX_PORT) {
      throw new IllegalArgumentException(field + " must be 1.." + MAX_PORT + ": " + port);
    }
    return port;
  }

  /** An unmodifiable copy of {@code subprotocols} if every entry is a token. */
  public static List<String> subprotocols(String field, List<String> subprotocols) {
    Objects.requireNonNull(subprotocols, field);
    for (String p : subprotocols) {
      if (p == null || !TOKEN.matcher(p).matches()) {
        throw new IllegalArgumentException(field + ": not a valid subprotocol token: " + p);
      }
    }
    return List.copyOf(subprotocols);
  }
}
