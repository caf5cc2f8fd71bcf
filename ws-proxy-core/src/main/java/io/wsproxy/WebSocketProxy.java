package io.wsproxy;

import io.wsproxy.spi.WsEndpoint;
import io.wsproxy.spi.UpstreamConnector;
import io.wsproxy.spi.WsListener;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.internal.Bridge;
import io.wsproxy.internal.BridgeContext;
import io.wsproxy.internal.ConnectionLimiter;
import io.wsproxy.internal.ForwardedHeaders;
import io.wsproxy.internal.HandshakePipeline;
import io.wsproxy.internal.Scheduler;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.concurrent.CompletionStage;
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
 * // hand it to a transport adapter, e.g. ProxyServer.start(address, proxy) or a JavaWebSocketAdapter
 * }</pre>
 *
 * <p><b>Data path.</b> For each upgrade the transport calls {@link #handshake}: forwarded headers are
 * normalised, then the {@link OriginFilter}, the {@link AuthValidator} and the {@link RouteResolver}
 * decide; nothing is dialled before acceptance. The transport then calls {@link #open}, which dials
 * the upstream through the {@link io.wsproxy.spi.UpstreamConnector} and relays both ways. Client frames that arrive
 * while the upstream connects are held in a bounded buffer and flushed in order. If the upstream
 * cannot be reached the client is closed with {@link Builder#upstreamFailureCloseCode} (1014 Bad
 * Gateway by default).
 *
 * <p><b>Threading.</b> Thread-safe. Events run on transport threads; no thread is created per
 * connection. One timer thread per proxy runs timeouts; {@link #close()} stops it.
 */
public final class WebSocketProxy implements WsEndpoint, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(WebSocketProxy.class);

  private static final WsListener NO_EVENTS = new WsListener() {};

  /** Reason sent with 1001 to every open connection when the proxy closes. */
  public static final String SHUTDOWN_REASON = "Proxy shutting down";

  private final Builder config;
  private final ConnectionLimiter limiter;
  private final HandshakePipeline pipeline;
  private final UpstreamConnector connector;
  private final boolean ownsConnector;
  private final Scheduler scheduler;
  private final ConnectionGroup connections = new ConnectionGroup();
  private final BridgeContext bridgeContext;
  private final AtomicLong ids = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();

  private WebSocketProxy(Builder b) {
    this.config = b.copy();
    RouteResolver routes = b.routes != null ? b.routes : b.prefixRoutes.build();
    this.limiter = ConnectionLimiter.of(b.limits);
    ForwardedHeaders.Policy forwarding = ForwardedHeaders.Policy.of(b.trustedProxies)
        .withIdentityHeaders(b.identityHeaders).withPrincipalHeader(b.principalHeader);
    // the pipeline warns at start-up when every origin is allowed and auth is on
    this.pipeline = new HandshakePipeline(forwarding, b.originFilter, b.authValidator, routes,
        b.limits, b.listener, limiter);
    if (b.connector != null) {
      this.connector = b.connector;
      this.ownsConnector = false;
    } else {
      this.connector = discoverConnector();
      this.ownsConnector = true;
    }
    this.scheduler = new Scheduler("ws-proxy-timer");
    this.bridgeContext = new BridgeContext(connector, b.limits, b.listener, scheduler,
        b.upstreamFailureCloseCode, connections);
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
  public CompletionStage<HandshakeDecision> handshake(HandshakeRequest request) {
    Objects.requireNonNull(request, "request");
    return pipeline.run(request);
  }

  @Override
  public WsListener open(WsChannel client, HandshakeDecision.Accept accept) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(accept, "accept");
    if (accept.route() == null) {
      throw new IllegalArgumentException("accept has no route: it was not made by a proxy");
    }
    if (closed.get()) {
      client.close(CloseCodes.GOING_AWAY, SHUTDOWN_REASON);
      return NO_EVENTS;
    }
    // the handshake only checked the caps; the slot is taken here, where it can be given back
    ConnectionLimiter.Admission admission = limiter.tryAcquire(accept.clientAddress());
    if (admission instanceof ConnectionLimiter.Refused refused) {
      log.info("refused {}: {}", accept.clientAddress(), refused.rejection().reason());
      client.close(refused.rejection().closeCode(), refused.rejection().reason());
      return NO_EVENTS;
    }
    ConnectionLimiter.Permit permit = (ConnectionLimiter.Permit) admission;
    Bridge bridge = new Bridge(bridgeContext, ids.incrementAndGet(), client, accept,
        HandshakePipeline.upstreamSubprotocols(accept), permit::release);
    bridge.start();
    return bridge.clientListener();
  }

  @Override
  public Limits limits() {
    return config.limits;
  }

  @Override
  public RejectionMode rejectionMode() {
    return config.rejectionMode;
  }

  /** Number of open proxied connections. */
  public int connectionCount() {
    return connections.size();
  }

  /**
   * Closes every open connection with 1001 Going Away, stops the timer thread and, if the proxy
   * discovered its connector itself, closes the connector. Idempotent; returns without waiting for
   * peers to answer (each side is cut after the close timeout).
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    connections.closeAll(CloseCodes.GOING_AWAY, SHUTDOWN_REASON);
    scheduler.shutdownAfter(config.limits.closeTimeout());
    if (ownsConnector) {
      connector.close();
    }
  }

  private static UpstreamConnector discoverConnector() {
    Iterator<UpstreamConnector> it = ServiceLoader.load(UpstreamConnector.class).iterator();
    if (!it.hasNext()) {
      throw new IllegalStateException("no UpstreamConnector: add the ws-proxy-jdk-httpclient "
          + "module to the class path, or call connector(...) on the builder");
    }
    UpstreamConnector c = it.next();
    log.debug("using upstream connector {}", c.getClass().getName());
    return c;
  }

  /**
   * Configures a {@link WebSocketProxy}. Not thread-safe. Every setter validates its argument at
   * once and names the field in the exception.
   */
  public static final class Builder {
    private RouteResolver routes;
    private PathPrefixRoutes.Builder prefixRoutes = PathPrefixRoutes.builder();
    private boolean prefixRoutesUsed;
    private UpstreamConnector connector;
    private OriginFilter originFilter = OriginFilter.allowAll();
    private AuthValidator authValidator = AuthValidator.none();
    private TrustedProxies trustedProxies = TrustedProxies.none();
    private List<String> identityHeaders = List.of();
    private String principalHeader;
    private Limits limits = Limits.DEFAULTS;
    private ProxyListener listener = ProxyListener.NONE;
    private int upstreamFailureCloseCode = CloseCodes.BAD_GATEWAY;
    private RejectionMode rejectionMode = RejectionMode.HTTP_STATUS;

    private Builder() {}

    private Builder copy() {
      Builder b = new Builder();
      b.routes = routes;
      b.prefixRoutes = prefixRoutes.copy();
      b.prefixRoutesUsed = prefixRoutesUsed;
      b.connector = connector;
      b.originFilter = originFilter;
      b.authValidator = authValidator;
      b.trustedProxies = trustedProxies;
      b.identityHeaders = identityHeaders;
      b.principalHeader = principalHeader;
      b.limits = limits;
      b.listener = listener;
      b.upstreamFailureCloseCode = upstreamFailureCloseCode;
      b.rejectionMode = rejectionMode;
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
     * one on the class path (the JDK connector of {@code ws-proxy-jdk-httpclient}) and owns it.
     */
    public Builder connector(UpstreamConnector connector) {
      this.connector = Objects.requireNonNull(connector, "connector");
      return this;
    }

    /**
     * Sets the origin check; by default every origin is allowed ({@link OriginFilter#allowAll()}),
     * and a warning is logged when that is combined with an auth validator.
     */
    public Builder originFilter(OriginFilter filter) {
      this.originFilter = Objects.requireNonNull(filter, "originFilter");
      return this;
    }

    /** Sets the authentication; by default everyone is {@link Principal#ANONYMOUS}. */
    public Builder authValidator(AuthValidator validator) {
      this.authValidator = Objects.requireNonNull(validator, "authValidator");
      return this;
    }

    /** Sets the peers whose forwarding headers are believed; none by default. */
    public Builder trustedProxies(TrustedProxies trusted) {
      this.trustedProxies = Objects.requireNonNull(trusted, "trustedProxies");
      return this;
    }

    /**
     * Headers that assert who the user is (for example a VPN's {@code Tailscale-User-Login}). They
     * are dropped from every peer that is not a {@link #trustedProxies trusted proxy}, so a client
     * cannot forge them; see {@link AuthValidator#identityHeader}.
     */
    public Builder identityHeaders(String... names) {
      List<String> list = List.of(names);
      ForwardedHeaders.Policy.of(TrustedProxies.none()).withIdentityHeaders(list); // validates
      this.identityHeaders = list;
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

    /** Sets sizes and timeouts; {@link Limits#DEFAULTS} by default. */
    public Builder limits(Limits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /** Sets the event listener; {@link ProxyListener#NONE} by default. */
    public Builder listener(ProxyListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * The close code a client gets when its upstream cannot be reached or drops: 1014 Bad Gateway
     * by default; some deployments expect 4502.
     */
    public Builder upstreamFailureCloseCode(int code) {
      if (!CloseCodes.isSendable(code)) {
        throw new IllegalArgumentException(
            "upstreamFailureCloseCode cannot be sent on the wire: " + code);
      }
      this.upstreamFailureCloseCode = code;
      return this;
    }

    /** How refused handshakes are answered; {@link RejectionMode#HTTP_STATUS} by default. */
    public Builder rejectionMode(RejectionMode mode) {
      this.rejectionMode = Objects.requireNonNull(mode, "rejectionMode");
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
