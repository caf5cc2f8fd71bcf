package io.wsproxy.routing;

import io.wsproxy.internal.RequestPaths;
import io.wsproxy.routing.internal.Checks;

/**
 * One port a session exposes, optionally scoped to a path prefix. Immutable.
 *
 * <p>A prefix of {@code /} (or none) makes this the session's <em>default</em> exposure: it serves
 * every path no prefixed exposure matches. See {@link PortResolver} for how a path picks one.
 *
 * @param port       the upstream port, 1..65535
 * @param pathPrefix a clean raw path prefix such as {@code /api} (no trailing slash, no {@code .},
 *                   {@code ..} or empty segments); {@code null}, {@code ""} and {@code /} all mean
 *                   the default, stored as {@code /}
 */
public record Exposure(int port, String pathPrefix) {

  public Exposure {
    Checks.port("port", port);
    if (pathPrefix == null || pathPrefix.isEmpty()) {
      pathPrefix = "/";
    }
    if (!RequestPaths.isRawPath(pathPrefix) || RequestPaths.hasTraversal(pathPrefix)) {
      throw new IllegalArgumentException("pathPrefix is not a clean path: " + pathPrefix);
    }
    pathPrefix = RequestPaths.normalisePrefix(pathPrefix);
  }

  /** The default exposure of {@code port}: serves every path no prefixed exposure matches. */
  public static Exposure of(int port) {
    return new Exposure(port, "/");
  }

  /** {@code port}, serving {@code pathPrefix} and the paths below it. */
  public static Exposure of(int port, String pathPrefix) {
    return new Exposure(port, pathPrefix);
  }

  /** Whether this is a default exposure (prefix {@code /}). */
  public boolean isDefault() {
    return pathPrefix.equals("/");
  }
}
