package io.wsproxy;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * Where an accepted client is proxied to. Immutable.
 *
 * <p><b>Subprotocols.</b> In {@link ConnectMode#CONNECT_FIRST} mode (the default) the client's whole
 * offer goes upstream and the client gets exactly what the upstream selected. {@link #subprotocols()}
 * is then an optional allowlist: when it is not empty, only offered entries it names go upstream.
 * In {@link ConnectMode#ACCEPT_FIRST} mode the client is answered before the upstream is asked, so
 * the route must declare what it accepts: the client gets the first one <em>it</em> offered that the
 * route accepts, and only that one is offered upstream; a route that declares none negotiates none.
 *
 * @param upstream     the {@code ws://} or {@code wss://} URI to dial, with path and query
 * @param subprotocols subprotocols this route accepts, in no particular order; copied
 * @param headers      extra headers to send upstream (the proxy adds its forwarding headers)
 * @param group        the group each connection on this route joins while open (so a host can close
 *                     them together, e.g. when a session ends), or {@code null}
 * @param connectMode  this route's connect mode, or {@code null} for the proxy's
 */
public record Route(URI upstream, List<String> subprotocols, Headers headers, ConnectionGroup group,
    ConnectMode connectMode) implements RouteResult {

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

  /** A route to {@code upstream}: no subprotocol allowlist, no extra headers, the proxy's mode. */
  public static Route to(URI upstream) {
    return new Route(upstream, List.of(), Headers.EMPTY, null, null);
  }

  /** This route, accepting (allowing) these subprotocols. */
  public Route withSubprotocols(List<String> accepted) {
    return new Route(upstream, accepted, headers, group, connectMode);
  }

  /** This route, sending these extra headers upstream. */
  public Route withHeaders(Headers extra) {
    return new Route(upstream, subprotocols, extra, group, connectMode);
  }

  /** This route, whose connections join {@code connections} while open. */
  public Route inGroup(ConnectionGroup connections) {
    return new Route(upstream, subprotocols, headers, connections, connectMode);
  }

  /** This route with its own connect mode ({@code null}: the proxy's). */
  public Route withConnectMode(ConnectMode mode) {
    return new Route(upstream, subprotocols, headers, group, mode);
  }

  /** This route pointing at another upstream, everything else kept. */
  public Route withUpstream(URI target) {
    return new Route(target, subprotocols, headers, group, connectMode);
  }

  /**
   * What to offer upstream in connect-first mode: {@code offered} in its order, narrowed to this
   * route's allowlist when it has one.
   */
  public List<String> allowed(List<String> offered) {
    if (subprotocols.isEmpty()) {
      return List.copyOf(offered);
    }
    return offered.stream().filter(subprotocols::contains).toList();
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
