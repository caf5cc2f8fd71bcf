package io.wsproxy;

import io.wsproxy.spi.WsEndpoint;
import io.wsproxy.spi.UpstreamConnector;
import io.wsproxy.internal.Admission;
import io.wsproxy.internal.Admissions;
import io.wsproxy.internal.BridgeContext;
import io.wsproxy.internal.ConnectionLimiter;
import io.wsproxy.internal.ForwardedHeaders;
import io.wsproxy.internal.ProxyHandshake;
import io.wsproxy.internal.Scheduler;
import io.wsproxy.spi.PendingHandshake;
import java.util.Iterator;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket proxy: build one, share it across all connections of a host server, and close it
 * when the server stops.
 *
 * <pre>{@code
 * WebSocketProxy proxy = WebSocketProxy.builder()
 *     .route("/echo", "ws://127.0.0.1:9001")
 *     .build();
 * // hand it to a server transport, e.g. NettyEndpointServer.start(address, proxy)
 * }</pre>
 *
 * <p><b>Data path.</b> For each upgrade the transport calls {@link #handshake}: forwarded headers are
 * normalised, then the {@link OriginFilter}, the connection caps, the {@link AuthValidator} and the
 * {@link RouteResolver} decide; nothing is dialled before acceptance.
 * <ul>
 *   <li><b>Connect-first</b> ({@link ConnectMode#CONNECT_FIRST}, the default): the upstream is dialled
 *       with the client's whole subprotocol offer (minus a {@code bearer} credential entry, and
 *       narrowed to the route's allowlist if it has one) while the client's handshake waits. The
 *       client is answered with the upstream's selected subprotocol, or refused: 502 when the
 *       upstream is unreachable, refuses with a 3xx/5xx or answers an invalid 101; 504 when it does
 *       not answer within {@link Limits#connectTimeout()}; the upstream's own 4xx (401, 403, 404,
 *       429...) relayed. In {@link RejectionMode#CLOSE_CODE} mode the client gets
 *       {@link Builder#upstreamFailureCloseCode} instead. A client that leaves meanwhile cancels the
 *       dial.</li>
 *   <li><b>Accept-first</b> ({@link ConnectMode#ACCEPT_FIRST}, per proxy or per {@link Route}): the
 *       client is answered at once (with a subprotocol only from the route's declared list), then
 *       the upstream is dialled; the client's early messages are held within
 *       {@link Limits#earlyBytes()} (or its reading paused, where the transport can), and an upstream
 *       that cannot be reached closes the client with the upstream-failure close code.</li>
 * </ul>
 * Then the proxy relays both ways with back-pressure and mirrors each side's close to the other.
 *
 * <p><b>Threading.</b> Thread-safe. Events run on transport threads; no thread is created per
 * connection. One timer thread per proxy runs timeouts; {@link #close()} stops it.
 */
public final class WebSocketProxy implements WsEndpoint, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(WebSocketProxy.class);

  /** Reason sent with 1001 to every open connection when the proxy closes. */
  public static final String SHUTDOWN_REASON = "Proxy shutting down";

  private final Builder config;
  private final HandshakeOptions options;
  private final Admission admission;
  private final UpstreamConnector connector;
  private final boolean ownsConnector;
  private final Scheduler scheduler;
  private final ConnectionGroup connections = new ConnectionGroup();
  private final BridgeContext bridgeContext;
  private final AtomicBoolean closed = new AtomicBoolean();

  private WebSocketProxy(Builder b) {
    this.config = b.copy();
    this.options = b.handshakeOptions();
    RouteResolver routes = b.routes != null ? b.routes : b.prefixRoutes.build();
    this.admission = Admissions.of(options, b.principalHeader, routes, b.listener,
        ConnectionLimiter.fitted(options.limits(), 2, "proxy"));
    if (b.connector != null) {
      this.connector = b.connector;
      this.ownsConnector = false;
    } else {
      this.connector = discoverConnector();
      this.ownsConnector = true;
    }
    this.scheduler = new Scheduler("ws-proxy-timer");
    this.bridgeContext = new BridgeContext(connector, options.limits(), b.listener, scheduler,
        b.upstreamFailureCloseCode, connections, b.connectMode, new AtomicLong());
  }

  /** A new builder with the secure defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this proxy's configuration (sharing its connector, if one was given). */
  public Builder toBuilder() {
    return config.copy();
  }

  @Override
  public PendingHandshake handshake(HandshakeRequest request, Object affinity) {
    Objects.requireNonNull(request, "request");
    if (closed.get()) {
      return ProxyHandshake.refused(Rejection.unavailable(SHUTDOWN_REASON));
    }
    return ProxyHandshake.start(bridgeContext, admission, request, affinity);
  }

  @Override
  public Limits limits() {
    return options.limits();
  }

  @Override
  public RejectionMode rejectionMode() {
    return options.rejectionMode();
  }

  /** The connect mode of routes that do not name one. */
  public ConnectMode connectMode() {
    return bridgeContext.defaultMode();
  }

  /** Number of proxied connections, open or being dialled for. */
  public int connectionCount() {
    return connections.size();
  }

  /** Number of upgrade requests being decided (auth, routing, the upstream dial). */
  public int pendingHandshakes() {
    return admission.pendingHandshakes();
  }

  /**
   * Closes every open connection with 1001 Going Away (a client still waiting for its upstream gets
   * 503), stops the timer thread and, if the proxy discovered its connector itself, closes the
   * connector. Idempotent; returns without waiting for peers to answer (each side is cut after the
   * close timeout).
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    connections.closeAll(CloseCodes.GOING_AWAY, SHUTDOWN_REASON);
    scheduler.shutdownAfter(options.limits().closeTimeout());
    if (ownsConnector) {
      connector.close();
    }
  }

  private static UpstreamConnector discoverConnector() {
    Iterator<UpstreamConnector> it = ServiceLoader.load(UpstreamConnector.class).iterator();
    if (!it.hasNext()) {
      throw new IllegalStateException("no UpstreamConnector: add a transport module "
          + "(ws-proxy-netty, ws-proxy-jdk-httpclient) to the class path, or call connector(...) "
          + "on the builder");
    }
    UpstreamConnector c = it.next();
    log.debug("using upstream connector {}", c.getClass().getName());
    return c;
  }

  /**
   * Configures a {@link WebSocketProxy}: routes, the upstream connector and the proxy-only
   * settings here, the handshake half (origin, auth, trusted proxies, identity headers, limits,
   * rejection mode) in {@link EndpointBuilder}. Not thread-safe. Every setter validates its argument
   * at once and names the field in the exception.
   */
  public static final class Builder extends EndpointBuilder<Builder> {
    private RouteResolver routes;
    private PathPrefixRoutes.Builder prefixRoutes = PathPrefixRoutes.builder();
    private boolean prefixRoutesUsed;
    private UpstreamConnector connector;
    private String principalHeader;
    private ProxyListener listener = ProxyListener.NONE;
    private int upstreamFailureCloseCode = CloseCodes.BAD_GATEWAY;
    private ConnectMode connectMode = ConnectMode.CONNECT_FIRST;

    private Builder() {
      super(Limits.DEFAULTS);
    }

    @Override
    protected Builder self() {
      return this;
    }

    private Builder copy() {
      Builder b = new Builder().handshakeOptions(handshakeOptions());
      b.routes = routes;
      b.prefixRoutes = prefixRoutes.copy();
      b.prefixRoutesUsed = prefixRoutesUsed;
      b.connector = connector;
      b.principalHeader = principalHeader;
      b.listener = listener;
      b.upstreamFailureCloseCode = upstreamFailureCloseCode;
      b.connectMode = connectMode;
      return b;
    }

    /**
     * Adds a path-prefix route (see {@link PathPrefixRoutes}). Cannot be combined with
     * {@link #routes(RouteResolver)}; use {@link RouteResolver#firstMatch} to combine resolvers.
     */
    public Builder route(String prefix, String upstream) {
      if (routes != null) {
        throw new IllegalStateException("route(...) cannot be combined with routes(resolver)");
      }
      prefixRoutes.route(prefix, upstream);
      prefixRoutesUsed = true;
      return this;
    }

    /** Sets the route resolver. */
    public Builder routes(RouteResolver resolver) {
      Objects.requireNonNull(resolver, "routes");
      if (prefixRoutesUsed) {
        throw new IllegalStateException("routes(resolver) cannot be combined with route(...)");
      }
      this.routes = resolver;
      return this;
    }

    /**
     * Sets the upstream connector, which the caller owns and closes. Without one, the proxy finds
     * one on the class path and owns it.
     */
    public Builder connector(UpstreamConnector connector) {
      this.connector = Objects.requireNonNull(connector, "connector");
      return this;
    }

    /**
     * Sends the authenticated principal's name upstream in this header (for example
     * {@code X-Forwarded-User}); a client-sent copy is always replaced. None by default.
     */
    public Builder principalHeader(String name) {
      Objects.requireNonNull(name, "principalHeader");
      ForwardedHeaders.Policy.of(TrustedProxies.none()).withPrincipalHeader(name); // validates
      this.principalHeader = name;
      return this;
    }

    /** Sets the event listener; {@link ProxyListener#NONE} by default. */
    public Builder listener(ProxyListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * The close code a client gets when its upstream cannot be reached or drops (and, in
     * {@link RejectionMode#CLOSE_CODE} mode, when connect-first cannot get an upstream): 1014 Bad
     * Gateway by default; some deployments expect 4502. A {@link Route} may name its own
     * ({@link Route#withUpstreamFailureCloseCode}).
     */
    public Builder upstreamFailureCloseCode(int code) {
      this.upstreamFailureCloseCode = CloseCodes.requireSendable("upstreamFailureCloseCode", code);
      return this;
    }

    /**
     * When clients get their 101: {@link ConnectMode#CONNECT_FIRST} (the default) or
     * {@link ConnectMode#ACCEPT_FIRST}; a {@link Route} may name its own.
     */
    public Builder connectMode(ConnectMode mode) {
      this.connectMode = Objects.requireNonNull(mode, "connectMode");
      return this;
    }

    /** Builds the proxy; throws {@link IllegalStateException} if no route is configured. */
    public WebSocketProxy build() {
      if (routes == null && !prefixRoutesUsed) {
        throw new IllegalStateException("no routes: call route(prefix, upstream) or routes(resolver)");
      }
      return new WebSocketProxy(this);
    }
  }
}
