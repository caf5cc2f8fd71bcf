package io.wsproxy;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * Where an accepted client is proxied to. Immutable.
 *
 * <p><b>Subprotocols.</b> Hosts such as Java-WebSocket answer the client before the upstream has been
 * dialled, so the proxy cannot ask the upstream which subprotocol it picks. Instead a route declares
 * the subprotocols it accepts: the client gets the first one <em>it</em> offered that the route
 * accepts, and only that one is offered upstream. An upstream that refuses it is a bad gateway.
 * A route that accepts none negotiates none.
 *
 * @param upstream     the {@code ws://} or {@code wss://} URI to dial, with path and query
 * @param subprotocols subprotocols this route accepts, in no particular order; copied
 * @param headers      extra headers to send upstream (the proxy adds its forwarding headers)
 * @param group        the group each connection on this route joins while open (so a host can close
 *                     them together, e.g. when a session ends), or {@code null}
 */
public record Route(URI upstream, List<String> subprotocols, Headers headers, ConnectionGroup group)
    implements RouteResult {

  public Route {
    Objects.requireNonNull(upstream, "upstream");
    String scheme = upstream.getScheme();
    if (!"ws".equalsIgnoreCase(scheme) && !"wss".equalsIgnoreCase(scheme)) {
      throw new IllegalArgumentException("upstream must be a ws:// or wss:// URI: " + upstream);
    }
    if (upstream.getHost() == null) {
      throw new IllegalArgumentException("upstream has no host: " + upstream);
    }
    subprotocols = List.copyOf(Objects.requireNonNull(subprotocols, "subprotocols"));
    Objects.requireNonNull(headers, "headers");
  }

  /** A route to {@code upstream} with no subprotocols and no extra headers. */
  public static Route to(URI upstream) {
    return new Route(upstream, List.of(), Headers.EMPTY, null);
  }

  /** This route, accepting these subprotocols. */
  public Route withSubprotocols(List<String> accepted) {
    return new Route(upstream, accepted, headers, group);
  }

  /** This route, sending these extra headers upstream. */
  public Route withHeaders(Headers extra) {
    return new Route(upstream, subprotocols, extra, group);
  }

  /** This route, whose connections join {@code connections} while open. */
  public Route inGroup(ConnectionGroup connections) {
    return new Route(upstream, subprotocols, headers, connections);
  }

  /** The first subprotocol the client offered that this route accepts, or {@code null}. */
  public String negotiate(List<String> offered) {
    for (String p : offered) {
      if (subprotocols.contains(p)) {
        return p;
      }
    }
    return null;
  }
}
