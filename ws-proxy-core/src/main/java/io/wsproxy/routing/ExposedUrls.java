package io.wsproxy.routing;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The public URLs clients use to reach a session's exposed ports, fixed when the session was
 * registered (see {@link PublicUrls}). Immutable and thread-safe: hand it to clients at once.
 *
 * @param sessionId the session
 * @param urls      one entry per exposure, in the session's order
 */
public record ExposedUrls(String sessionId, List<Exposed> urls) {

  public ExposedUrls {
    Objects.requireNonNull(sessionId, "sessionId");
    urls = List.copyOf(Objects.requireNonNull(urls, "urls"));
  }

  /** The first entry for {@code port}, if the session exposes it. */
  public Optional<Exposed> forPort(int port) {
    return urls.stream().filter(u -> u.exposure().port() == port).findFirst();
  }

  /** The entry for a path prefix ({@code /} for the default exposure), if exposed. */
  public Optional<Exposed> forPrefix(String pathPrefix) {
    return urls.stream().filter(u -> u.exposure().pathPrefix().equals(pathPrefix)).findFirst();
  }

  /**
   * The URLs of one exposure.
   *
   * @param exposure  the port and prefix
   * @param path      path style: {@code wss://{publicDomain}/s/{id}/ws/api}
   * @param subdomain subdomain style: {@code wss://s-{id}.{publicDomain}/api}; {@code null} when
   *                  subdomain URLs are off, the domain is an IP address, or the id cannot be a DNS
   *                  label (browsers lower-case host names, and {@code _} is not allowed in them)
   */
  public record Exposed(Exposure exposure, Endpoint path, Endpoint subdomain) {
    public Exposed {
      Objects.requireNonNull(exposure, "exposure");
      Objects.requireNonNull(path, "path");
    }
  }

  /**
   * The same address for WebSocket and plain HTTP clients, differing only in scheme.
   *
   * @param ws   {@code wss://...} (or {@code ws://} when not secure)
   * @param http {@code https://...} (or {@code http://})
   */
  public record Endpoint(URI ws, URI http) {
    public Endpoint {
      Objects.requireNonNull(ws, "ws");
      Objects.requireNonNull(http, "http");
    }
  }
}
