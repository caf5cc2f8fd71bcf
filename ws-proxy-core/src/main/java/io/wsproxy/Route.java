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
 * @param upstreamFailureCloseCode the close code this route's clients get when their upstream
 *                     cannot be reached or drops (see
 *                     {@link WebSocketProxy.Builder#upstreamFailureCloseCode}), or {@code null} for
 *                     the proxy's; must be {@linkplain CloseCodes#isSendable sendable}
 */
public record Route(URI upstream, List<String> subprotocols, Headers headers, ConnectionGroup group,
    ConnectMode connectMode, Integer upstreamFailureCloseCode) implements RouteResult {

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
    if (upstreamFailureCloseCode != null) {
      CloseCodes.requireSendable("upstreamFailureCloseCode", upstreamFailureCloseCode);
    }
  }

  /** A route with the proxy's upstream-failure close code (the form before that was per route). */
  public Route(URI upstream, List<String> subprotocols, Headers headers, ConnectionGroup group,
      ConnectMode connectMode) {
    this(upstream, subprotocols, headers, group, connectMode, null);
  }

  /** A route to {@code upstream}: no subprotocol allowlist, no extra headers, the proxy's mode. */
  public static Route to(URI upstream) {
    return new Route(upstream, List.of(), Headers.EMPTY, null, null, null);
  }

  /** This route, accepting (allowing) these subprotocols. */
  public Route withSubprotocols(List<String> accepted) {
    return new Route(upstream, accepted, headers, group, connectMode, upstreamFailureCloseCode);
  }

  /** This route, sending these extra headers upstream. */
  public Route withHeaders(Headers extra) {
    return new Route(upstream, subprotocols, extra, group, connectMode, upstreamFailureCloseCode);
  }

  /** This route, whose connections join {@code connections} while open. */
  public Route inGroup(ConnectionGroup connections) {
    return new Route(upstream, subprotocols, headers, connections, connectMode,
        upstreamFailureCloseCode);
  }

  /** This route with its own connect mode ({@code null}: the proxy's). */
  public Route withConnectMode(ConnectMode mode) {
    return new Route(upstream, subprotocols, headers, group, mode, upstreamFailureCloseCode);
  }

  /**
   * This route with its own upstream-failure close code ({@code null}: the proxy's).
   *
   * @throws IllegalArgumentException if {@code code} cannot be sent on the wire (1004-1006, 1015,
   *                                  or outside 1000..4999), naming {@code upstreamFailureCloseCode}
   */
  public Route withUpstreamFailureCloseCode(Integer code) {
    return new Route(upstream, subprotocols, headers, group, connectMode, code);
  }

  /** The close code for an upstream failure on this route: its own, else {@code proxyDefault}. */
  public int upstreamFailureCloseCodeOr(int proxyDefault) {
    return upstreamFailureCloseCode != null ? upstreamFailureCloseCode : proxyDefault;
  }

  /** This route pointing at another upstream, everything else kept. */
  public Route withUpstream(URI target) {
    return new Route(target, subprotocols, headers, group, connectMode, upstreamFailureCloseCode);
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
