package io.wsproxy.routing;

import io.wsproxy.CloseCodes;
import io.wsproxy.internal.RequestPaths;
import io.wsproxy.routing.internal.Checks;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A named local backend, such as a plugin process serving WebSockets on its own loopback port.
 * Immutable.
 *
 * @param name         the name clients use in {@code /plugin-ws/{name}}; matches {@link #NAME_PATTERN}
 * @param port         the backend's port, 1..65535
 * @param path         the upstream path, a clean raw path; {@code null} means {@link #DEFAULT_PATH}
 * @param subprotocols subprotocols its routes accept; {@code null} means none; copied
 * @param upstreamFailureCloseCode the close code its routes' clients get when it cannot be reached
 *                     or drops, or {@code null} for the proxy's; must be sendable
 */
public record Backend(String name, int port, String path, List<String> subprotocols,
    Integer upstreamFailureCloseCode) {

  /** Longest backend name: 64 characters. */
  public static final int MAX_NAME_LENGTH = 64;
  /** What a backend name may hold: {@code [A-Za-z0-9_-]{1,64}}. */
  public static final Pattern NAME_PATTERN =
      Pattern.compile("[A-Za-z0-9_-]{1," + MAX_NAME_LENGTH + "}");
  /** The upstream path when none is given. */
  public static final String DEFAULT_PATH = "/ws";

  public Backend {
    Objects.requireNonNull(name, "name");
    if (!isValidName(name)) {
      throw new IllegalArgumentException("name must match " + NAME_PATTERN.pattern() + ": " + name);
    }
    Checks.port("port", port);
    if (path == null) {
      path = DEFAULT_PATH;
    }
    if (!path.startsWith("/") || !RequestPaths.isRawPath(path) || RequestPaths.hasTraversal(path)) {
      throw new IllegalArgumentException("path must be a clean path starting with '/': " + path);
    }
    subprotocols = subprotocols == null ? List.of()
        : Checks.subprotocols("subprotocols", subprotocols);
    if (upstreamFailureCloseCode != null) {
      CloseCodes.requireSendable("upstreamFailureCloseCode", upstreamFailureCloseCode);
    }
  }

  /** A backend whose routes use the proxy's upstream-failure close code. */
  public Backend(String name, int port, String path, List<String> subprotocols) {
    this(name, port, path, subprotocols, null);
  }

  /** Backend {@code name} on {@code port}, path {@link #DEFAULT_PATH}. */
  public static Backend of(String name, int port) {
    return new Backend(name, port, DEFAULT_PATH, List.of());
  }

  /** Backend {@code name} on {@code port} at {@code path}. */
  public static Backend of(String name, int port, String path) {
    return new Backend(name, port, path, List.of());
  }

  /** Whether {@code name} is a valid backend name. */
  public static boolean isValidName(String name) {
    return name != null && NAME_PATTERN.matcher(name).matches();
  }
}
