package io.wsproxy.gateway;

import io.wsproxy.HandshakeRequest;
import io.wsproxy.Limits;
import io.wsproxy.Rejection;
import io.wsproxy.RejectionMode;
import io.wsproxy.internal.Refused;
import io.wsproxy.spi.PendingHandshake;
import io.wsproxy.spi.WsEndpoint;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One gateway per session, each mounted at {@code /s/{id}/gateway} while its session lives: the
 * host {@link #start starts} a session's gateway when it registers the session and
 * {@link #end ends} it when the session ends, which closes the gateway's clients with 1001 and
 * releases its state. Handshakes for other paths go to the {@code fallback} endpoint (typically the
 * proxy serving the sessions' ports on the same server), or are refused with 404.
 *
 * <pre>{@code
 * SessionGateways gateways = SessionGateways.builder(id -> Gateway.builder()
 *         .protocol(GatewayProtocol.JSON_RPC).agentProfile(profileFor(id)).build())
 *     .fallback(proxy).build();
 * JavaWebSocketEndpointServer.start(address, gateways);
 * registry.register(session); gateways.start(session.id());
 * // later
 * registry.end(session.id()); gateways.end(session.id());
 * }</pre>
 *
 * <p>With a {@link io.wsproxy.routing.RoutesFile} whose sessions carry a {@code gateway} entry,
 * start the listed ones ({@code routes.sessionGateways().keySet().forEach(gateways::start)}) and
 * hand each reload's change to {@link #apply}.
 *
 * <p><b>Threading.</b> Thread-safe; {@link #start} and {@link #end} may race with handshakes: a
 * handshake that reached a gateway being ended is closed with 1001 at open.
 */
public final class SessionGateways implements WsEndpoint, AutoCloseable {

  /** What a session id may look like here: 1 to 128 of letters, digits and {@code . _ -}. */
  public static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
  /** Where a session's gateway is served. */
  public static final String PATH_PATTERN = "/s/{sessionId}/gateway";
  /** The refusal of a handshake for a session without a gateway. */
  public static final Rejection NO_SESSION_GATEWAY = Rejection.notFound("Session not found");

  private static final Pattern PATH = Pattern.compile("/s/([^/]+)/gateway");

  private final Function<String, Gateway> factory;
  private final WsEndpoint fallback;
  private final Limits limits;
  private final Map<String, Gateway> bySession = new ConcurrentHashMap<>();

  private SessionGateways(Builder b) {
    this.factory = b.factory;
    this.fallback = b.fallback;
    this.limits = b.fallback != null ? b.fallback.limits()
        : Gateway.transportLimits(Gateway.DEFAULT_LIMITS);
  }

  /** A builder; {@code factory} makes the gateway of a session id (called by {@link #start}). */
  public static Builder builder(Function<String, Gateway> factory) {
    return new Builder(factory);
  }

  /**
   * Makes and mounts the gateway of {@code sessionId}; answers it.
   *
   * @throws IllegalArgumentException if the id does not match {@link #SESSION_ID}
   * @throws IllegalStateException    if the session already has a gateway
   */
  public Gateway start(String sessionId) {
    Objects.requireNonNull(sessionId, "sessionId");
    if (!SESSION_ID.matcher(sessionId).matches()) {
      throw new IllegalArgumentException("sessionId must be 1 to 128 letters, digits or . _ -: "
          + sessionId);
    }
    Gateway made = Objects.requireNonNull(factory.apply(sessionId), "the factory answered null");
    if (bySession.putIfAbsent(sessionId, made) != null) {
      made.close();
      throw new IllegalStateException("session " + sessionId + " already has a gateway");
    }
    return made;
  }

  /**
   * Unmounts and closes the gateway of {@code sessionId}: its clients get 1001, calls in flight
   * are cancelled, its state is released. {@code false} if it had none.
   */
  public boolean end(String sessionId) {
    Gateway g = sessionId == null ? null : bySession.remove(sessionId);
    if (g == null) {
      return false;
    }
    g.close();
    return true;
  }

  /**
   * Follows a routes-file reload ({@link io.wsproxy.routing.RoutesFile#reload}): ends the gateways
   * of {@link io.wsproxy.routing.RoutesChange#gatewaysEnded} (clients get 1001), then starts those
   * of {@link io.wsproxy.routing.RoutesChange#gatewaysStarted} with the factory. A session that
   * already has a gateway keeps it.
   *
   * @throws RuntimeException what the factory throws, after the gateways before it started
   */
  public void apply(io.wsproxy.routing.RoutesChange change) {
    Objects.requireNonNull(change, "change");
    change.gatewaysEnded().forEach(this::end);
    for (String id : change.gatewaysStarted()) {
      if (!bySession.containsKey(id)) {
        start(id);
      }
    }
  }

  /** The gateway of a session, if started. */
  public Optional<Gateway> get(String sessionId) {
    return sessionId == null ? Optional.empty() : Optional.ofNullable(bySession.get(sessionId));
  }

  /** The sessions with a gateway, sorted. */
  public Set<String> sessions() {
    return new TreeSet<>(bySession.keySet());
  }

  @Override
  public PendingHandshake handshake(HandshakeRequest request, Object affinity) {
    Objects.requireNonNull(request, "request");
    Matcher m = PATH.matcher(request.path());
    if (m.matches()) {
      Gateway g = bySession.get(m.group(1));
      return g == null ? Refused.of(NO_SESSION_GATEWAY) : g.handshake(request, affinity);
    }
    return fallback != null ? fallback.handshake(request, affinity)
        : Refused.of(Rejection.notFound("Not found"));
  }

  /**
   * The fallback's limits, else the gateway defaults with the transport headroom ({@link
   * Gateway#limits()}); give the session gateways message limits below these.
   */
  @Override
  public Limits limits() {
    return limits;
  }

  @Override
  public RejectionMode rejectionMode() {
    return fallback != null ? fallback.rejectionMode() : RejectionMode.HTTP_STATUS;
  }

  /** Ends every session's gateway (not the fallback, which the host closes). */
  @Override
  public void close() {
    for (String id : sessions()) {
      end(id);
    }
  }

  /** Configures {@link SessionGateways}. Not thread-safe. */
  public static final class Builder {
    private final Function<String, Gateway> factory;
    private WsEndpoint fallback;

    private Builder(Function<String, Gateway> factory) {
      this.factory = Objects.requireNonNull(factory, "factory");
    }

    /** Serves every other path (no fallback: 404). */
    public Builder fallback(WsEndpoint endpoint) {
      this.fallback = Objects.requireNonNull(endpoint, "fallback");
      return this;
    }

    public SessionGateways build() {
      return new SessionGateways(this);
    }
  }
}
