package io.wsproxy.gateway;

import com.google.gson.JsonElement;
import io.wsproxy.AuthValidator;
import io.wsproxy.CloseCodes;
import io.wsproxy.HandshakeOptions;
import io.wsproxy.HandshakeRequest;
import io.wsproxy.Limits;
import io.wsproxy.OriginFilter;
import io.wsproxy.Rejection;
import io.wsproxy.RejectionMode;
import io.wsproxy.gateway.internal.GatewayRuntime;
import io.wsproxy.internal.AcceptingHandshake;
import io.wsproxy.internal.Admission;
import io.wsproxy.internal.Admissions;
import io.wsproxy.internal.Refused;
import io.wsproxy.spi.PendingHandshake;
import io.wsproxy.spi.WsEndpoint;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * An embeddable JSON message gateway: one WebSocket endpoint where clients (UIs, agents, tools)
 * call methods of the host application, join sessions, broadcast to each other and route requests
 * to agents. It is transport-free: any transport that serves a {@link io.wsproxy.spi.WsEndpoint} serves it (the
 * Java-WebSocket module's ready server, or an adapter inside the host's own server).
 *
 * <pre>{@code
 * Gateway gateway = Gateway.builder()
 *     .protocol(GatewayProtocol.JSON_RPC)
 *     .messageAuth(CredentialsValidator.token(secret, Principal.of("ui")))
 *     .build();
 * gateway.handle("echo", JsonElement.class, call -> call.params());
 * }</pre>
 *
 * <p><b>Handshake.</b> The proxy's pipeline runs unchanged: forwarded headers (trusted proxies
 * only) → {@link OriginFilter} → {@link AuthValidator}. Refusals are answered by the transport with
 * an HTTP status or a close code ({@link RejectionMode}).
 *
 * <p><b>Authentication.</b> A client is authenticated from the start when its handshake named a
 * non-anonymous principal, or when no {@link GatewayBuilder#messageAuth message auth} is configured.
 * Otherwise it must send {@code auth} with {@code {token}} or {@code {password, username?}}
 * within {@link GatewayBuilder#authTimeout} (else it is closed with {@value #CLOSE_AUTH_TIMEOUT}); until
 * then only {@code connect}, {@code auth} and {@code ping} are accepted and everything else is
 * answered with {@link ErrorCodes#NOT_AUTHENTICATED}. After {@link GatewayBuilder#maxAuthFailures} refused
 * attempts the client is closed with {@value #CLOSE_AUTH_FAILED}.
 *
 * <p><b>Built-in methods</b> (envelope aliases in brackets): {@code connect} → {@code hello_ok}
 * (with a presence snapshot), {@code auth} → {@code auth_success}, {@code ping} → {@code pong},
 * {@code cancel {id}}, {@code system.health}, {@code stats}; the broadcast rooms
 * {@code rooms.create|join|leave|patch|list|broadcast|presence|chat}
 * ({@code session_create|join|leave|patch|list|broadcast}, {@code presence}, {@code chat}); the
 * agent registry {@code agents.register|list|request|respond|unregister|status|broadcast}
 * ({@code agent_*}, {@code route_request}); and with {@link GatewayBuilder#agentProfile} the agent
 * profile ({@code agent.send|cancel}, {@code sessions.create|list|history} as conversations,
 * {@code tools.list|invoke}). Hosts add methods with {@link #handle} and may replace any built-in
 * except connect, auth and ping.
 *
 * <p><b>Rooms are not conversations.</b> A "session" in this class ({@link SessionInfo},
 * {@link #broadcast}, {@link #createSession}) is a broadcast room, as in the envelope protocol; the
 * agent profile's conversations live in its {@link io.wsproxy.gateway.agent.ConversationStore}.
 *
 * <p><b>Heartbeat.</b> Every {@link GatewayBuilder#pingInterval} the gateway sends a WebSocket ping to each
 * client it has not heard from for half that interval; any message or pong counts as a sign of life
 * (protocol {@code ping} messages too, for clients that cannot see WebSocket pings). A client silent
 * for {@link GatewayBuilder#clientTimeout} is closed with {@value #CLOSE_HEARTBEAT_TIMEOUT} and its state
 * removed, between clientTimeout and clientTimeout + pingInterval after its last sign of life.
 *
 * <p><b>Limits.</b> A message larger than {@link Limits#maxMessageSize()} is answered with
 * {@link ErrorCodes#MESSAGE_TOO_LARGE} and closes the client with 1009, before any parsing; JSON
 * nested deeper than {@link GatewayBuilder#maxJsonDepth} is refused while parsing with
 * {@link ErrorCodes#PARSE_ERROR}; each client has a token-bucket rate limit, answered with
 * {@link ErrorCodes#RATE_LIMITED}, and {@link GatewayBuilder#rateLimitCloseAfter} refusals in a row close
 * it with {@value #CLOSE_RATE_LIMITED}.
 *
 * <p><b>Fan-out.</b> A broadcast ({@link #broadcast}, {@link #broadcastAll}, {@code rooms.*},
 * {@code chat}, agent broadcasts, presence) is serialised once and the same bytes are handed to
 * every member. Each client's outbound backlog is bounded: a message due to a client that already
 * has more than {@link GatewayBuilder#maxQueuedBytesPerClient} queued is not queued; the client is
 * dropped with {@value #CLOSE_SLOW_CONSUMER} {@value #SLOW_CONSUMER_REASON} (its close frame
 * follows what it has queued; the transport cuts it after the close timeout if it still does not
 * read). The sender and the members that read are unaffected.
 *
 * <p><b>Threading.</b> Thread-safe. A transport calls one client's listener from one thread at a
 * time, different clients concurrently; handlers run on that thread, outside any lock.
 * {@link #sendTo}, {@link #broadcast}, {@link #kick} and the snapshots may be called from any
 * thread; sends never block (they queue in the transport). One timer thread per gateway runs the
 * heartbeat, auth deadlines and agent request timeouts; {@link #close()} stops it.
 */
public final class Gateway implements WsEndpoint, AutoCloseable {

  /** Default largest message: 1 MiB, smaller than the proxy's 4 MiB (gateway messages are control messages). */
  public static final int DEFAULT_MAX_MESSAGE_SIZE = Limits.MIB;
  /** Default limits: {@link Limits#DEFAULTS} with frames and messages of at most 1 MiB. */
  public static final Limits DEFAULT_LIMITS = Limits.DEFAULTS.toBuilder()
      .maxFrameSize(DEFAULT_MAX_MESSAGE_SIZE).maxMessageSize(DEFAULT_MAX_MESSAGE_SIZE).build();
  /** Default deepest JSON nesting accepted: 64 levels. */
  public static final int DEFAULT_MAX_JSON_DEPTH = 64;
  /** Highest {@link GatewayBuilder#maxJsonDepth} allowed: 1,000 levels. */
  public static final int MAX_JSON_DEPTH = 1000;
  /** Default sustained messages per second per client: 100. */
  public static final double DEFAULT_RATE_PER_SECOND = 100;
  /** Default burst of messages per client: 200. */
  public static final int DEFAULT_RATE_BURST = 200;
  /** Default number of rate-limited messages in a row that closes the client: 50. */
  public static final int DEFAULT_RATE_CLOSE_AFTER = 50;
  /** Default heartbeat ping interval: 25 s. */
  public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(25);
  /** Default time a client may stay silent (no message, no pong) before it is closed: 60 s. */
  public static final Duration DEFAULT_CLIENT_TIMEOUT = Duration.ofSeconds(60);
  /** Default time an unauthenticated client has to authenticate: 10 s. */
  public static final Duration DEFAULT_AUTH_TIMEOUT = Duration.ofSeconds(10);
  /** Default refused auth attempts before the client is closed: 3. */
  public static final int DEFAULT_MAX_AUTH_FAILURES = 3;
  /** Default most sessions one client may be in: 64. */
  public static final int DEFAULT_MAX_SESSIONS_PER_CLIENT = 64;
  /** Default most registered agents (oldest offline ones are dropped first): 10,000. */
  public static final int DEFAULT_MAX_AGENTS = 10_000;
  /** Default time an agent has to answer a routed request: 30 s. */
  public static final Duration DEFAULT_AGENT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
  /** Longest agent request timeout a client or host may ask for: 10 min. */
  public static final Duration MAX_AGENT_REQUEST_TIMEOUT = Duration.ofMinutes(10);
  /** Most metadata entries per client or session: 32. */
  public static final int MAX_METADATA_ENTRIES = 32;

  /** Close code for a client that did not authenticate in time: 4401. */
  public static final int CLOSE_AUTH_TIMEOUT = CloseCodes.UNAUTHORIZED;
  /** Close code for a client whose auth attempts were refused too often: 4401. */
  public static final int CLOSE_AUTH_FAILED = CloseCodes.UNAUTHORIZED;
  /** Close code for a client silent past the client timeout: 4408 (4000 + HTTP 408). */
  public static final int CLOSE_HEARTBEAT_TIMEOUT = 4408;
  /** Close code for a client that keeps sending past its rate limit: 4429. */
  public static final int CLOSE_RATE_LIMITED = CloseCodes.TOO_MANY_REQUESTS;
  /** Close code for a message larger than the limit: 1009. */
  public static final int CLOSE_MESSAGE_TOO_BIG = CloseCodes.MESSAGE_TOO_BIG;
  /**
   * Close code for a client that does not read what it is sent: 1008 Policy Violation (its
   * backlog broke the gateway's bound; the proxy's bridge uses the same code for a slow side).
   */
  public static final int CLOSE_SLOW_CONSUMER = CloseCodes.POLICY_VIOLATION;
  /** Close reason sent with {@value #CLOSE_SLOW_CONSUMER} to a slow consumer. */
  public static final String SLOW_CONSUMER_REASON = "Slow consumer";
  /**
   * Default most bytes queued toward one client before it is dropped as a slow consumer: 1 MiB
   * (a thousand 1 KiB events; a client reading at all keeps far below it).
   */
  public static final long DEFAULT_MAX_QUEUED_BYTES_PER_CLIENT = Limits.MIB;
  /** Close code of {@link #kick(String, String)}: 4000 (application-defined range). */
  public static final int CLOSE_KICKED = 4000;
  /** Reason sent with 1001 to every client when the gateway closes. */
  public static final String SHUTDOWN_REASON = "Gateway shutting down";

  /** Event to session members when a client joins or leaves: {@code {sessionId, clientId, principal, action}}. */
  public static final String PRESENCE_EVENT = "presence";
  /** Event of {@code rooms.broadcast}: {@code {sessionId, from, data}}. */
  public static final String SESSION_MESSAGE_EVENT = "session.message";
  /** Event of {@code rooms.patch}: {@code {sessionId, from, metadata}}. */
  public static final String SESSION_PATCH_EVENT = "session.patch";
  /** Event of {@code chat}: {@code {sessionId, from, principal, text}}. */
  public static final String CHAT_EVENT = "chat";
  /** Event to a room's members when the host ends it: {@code {sessionId, reason}}. */
  public static final String SESSION_ENDED_EVENT = "session.ended";
  /** Event sent to every client as it opens (envelope protocol by default): {@code {clientId, authRequired, ...}}. */
  public static final String SESSION_INFO_EVENT = GatewayRuntime.SESSION_INFO_EVENT;
  /** Most unanswered calls per client by default: 64 (more are answered with -32002). */
  public static final int DEFAULT_MAX_CALLS_IN_FLIGHT = 64;
  /**
   * Room the transport gets above the gateway's message limit: a message up to this much larger
   * still reaches the gateway, which answers -32003 before closing with 1009 (a transport that hit
   * its own limit first could only close). 64 KiB, or the limit itself if larger.
   */
  public static final int TRANSPORT_HEADROOM_BYTES = 64 * Limits.KIB;
  /** Event an agent receives for a routed request (see {@link AgentRegistry}). */
  public static final String AGENT_REQUEST_EVENT = "agent.request";

  private final GatewayBuilder config;
  private final HandshakeOptions options;
  private final Limits transportLimits;
  private final Admission admission;
  private final GatewayRuntime runtime;

  Gateway(GatewayBuilder b) {
    this.config = b.copy();
    this.options = b.handshakeOptions();
    this.transportLimits = transportLimits(options.limits());
    this.runtime = new GatewayRuntime(b.settings());
    // no routes: a gateway accepts without routing
    this.admission = Admissions.of(options, null, null, runtime.handshakeListener(),
        runtime.limiter());
  }

  /** The limits a transport enforces: frames and messages larger than the gateway's by the headroom. */
  static Limits transportLimits(Limits gateway) {
    long size = (long) gateway.maxMessageSize()
        + Math.max(TRANSPORT_HEADROOM_BYTES, gateway.maxMessageSize());
    int transport = (int) Math.min(Integer.MAX_VALUE - 8, size);
    return gateway.toBuilder().maxMessageSize(transport)
        .maxFrameSize(Math.max(gateway.maxFrameSize(), transport)).build();
  }

  /** A new builder with the secure defaults. */
  public static GatewayBuilder builder() {
    return new GatewayBuilder();
  }

  /** A builder holding this gateway's configuration (handlers are not part of it). */
  public GatewayBuilder toBuilder() {
    return config.copy();
  }

  /** Runs the handshake pipeline; the gateway answers clients at once (it has no upstream). */
  @Override
  public PendingHandshake handshake(HandshakeRequest request, Object affinity) {
    Objects.requireNonNull(request, "request");
    String path = config.path();
    if (path != null && !path.equals(request.path())) {
      return Refused.of(Rejection.notFound("No gateway at this path"));
    }
    return AcceptingHandshake.start(admission, request, runtime::open);
  }

  /**
   * The limits the serving transport applies: the configured ones, except that frames and messages
   * may be larger than the gateway's {@link Limits#maxMessageSize()} by
   * {@link #TRANSPORT_HEADROOM_BYTES}, so that the gateway itself answers a message over its
   * limit with {@link ErrorCodes#MESSAGE_TOO_LARGE} and then closes with 1009. {@link #gatewayLimits()}
   * answers the configured limits.
   */
  @Override
  public Limits limits() {
    return transportLimits;
  }

  /** The limits as configured; the gateway answers a message over their message size with -32003. */
  public Limits gatewayLimits() {
    return options.limits();
  }

  @Override
  public RejectionMode rejectionMode() {
    return options.rejectionMode();
  }

  /** The wire protocol of this gateway. */
  public GatewayProtocol protocol() {
    return config.protocol();
  }

  /**
   * Registers (or replaces) the handler of method or type {@code name}; its params are converted
   * to {@code paramsType} with the gateway's Gson (absent params as {@code {}}; a conversion
   * failure is answered with {@link ErrorCodes#INVALID_PARAMS}). Thread-safe; may be called while
   * clients are connected.
   *
   * @throws IllegalArgumentException if {@code name} is empty, longer than 128 characters, or one
   *                                  of {@code connect}, {@code auth}, {@code ping}
   */
  public <P> Gateway handle(String name, Class<P> paramsType, Handler<P> handler) {
    runtime.handle(name, paramsType, handler);
    return this;
  }

  /** {@link #handle(String, Class, Handler)} with the params as a Gson tree. */
  public Gateway handle(String name, Handler<JsonElement> handler) {
    return handle(name, JsonElement.class, handler);
  }

  /** Sends the server event {@code event} with {@code data} to one client; {@code false} if it is gone. */
  public boolean sendTo(String clientId, String event, Object data) {
    return runtime.sendTo(clientId, event, data);
  }

  /** Sends the server event {@code event} to every connected client; answers how many. */
  public int broadcastAll(String event, Object data) {
    return broadcastAll(event, data, c -> true);
  }

  /**
   * Sends the server event {@code event} to every connected client {@code filter} accepts (it sees
   * a snapshot of each, on the calling thread); answers how many. The event is serialised once.
   */
  public int broadcastAll(String event, Object data, Predicate<ClientInfo> filter) {
    return runtime.broadcastAll(event, data, filter);
  }

  /** Sends the server event {@code event} to every member of a session; answers how many. */
  public int broadcast(String sessionId, String event, Object data) {
    return runtime.broadcast(sessionId, event, data, null);
  }

  /** Sends the server event {@code event} to every member of a session but one; answers how many. */
  public int broadcast(String sessionId, String event, Object data, String excludeClientId) {
    return runtime.broadcast(sessionId, event, data, excludeClientId);
  }

  /**
   * Creates a session (broadcast room) that stays, even without members, until
   * {@link #endSession}; a {@link GatewayException} ({@link ErrorCodes#CONFLICT}) if it exists, or
   * ({@link ErrorCodes#INVALID_PARAMS}) if the id is not 1 to 128 of letters, digits and
   * {@code . _ : @ -}.
   */
  public SessionInfo createSession(String sessionId, Map<String, String> metadata) {
    return runtime.createSession(sessionId, metadata);
  }

  /**
   * Adds a connected client to an existing session (its members see the presence event);
   * {@code false} if the client is gone, a {@link GatewayException} if there is no such session or
   * the client is in too many.
   */
  public boolean addMember(String sessionId, String clientId) {
    return runtime.addMember(sessionId, clientId);
  }

  /** Removes a client from a session; {@code false} if it was not a member. */
  public boolean removeMember(String sessionId, String clientId) {
    return runtime.removeMember(sessionId, clientId);
  }

  /**
   * Ends a session: each member gets {@value #SESSION_ENDED_EVENT} {@code {sessionId, reason}} and
   * stays connected; {@code false} if there was no such session.
   */
  public boolean endSession(String sessionId, String reason) {
    return runtime.endSession(sessionId, reason);
  }

  /** Closes a client with {@value #CLOSE_KICKED} and {@code reason}; {@code false} if it is gone. */
  public boolean kick(String clientId, String reason) {
    return kick(clientId, CLOSE_KICKED, reason);
  }

  /** Closes a client with {@code code} and {@code reason} and removes its state at once. */
  public boolean kick(String clientId, int code, String reason) {
    return runtime.kick(clientId, code, reason);
  }

  /** A snapshot of one client. */
  public Optional<ClientInfo> client(String clientId) {
    return runtime.client(clientId);
  }

  /** Snapshots of every connected client, oldest first. */
  public List<ClientInfo> clients() {
    return runtime.clients();
  }

  /** A snapshot of one session. */
  public Optional<SessionInfo> session(String sessionId) {
    return runtime.session(sessionId);
  }

  /** Snapshots of every live session, by id. */
  public List<SessionInfo> sessions() {
    return runtime.sessions();
  }

  /** The agent registry, to find agents and route requests to them. */
  public AgentRegistry agents() {
    return runtime.agents();
  }

  /** The gateway's counters. */
  public GatewayStats stats() {
    return runtime.stats();
  }

  /** Requests received per type or method name ({@code (unknown)} for those without a handler). */
  public Map<String, Long> requestsByType() {
    return runtime.requestsByType();
  }

  /** Runs one heartbeat round now (tests drive it with an injected ticker). */
  void heartbeatTick() {
    runtime.heartbeatTick();
  }

  /**
   * Closes every client with 1001 Going Away, cancels calls in flight, fails pending agent
   * requests and stops the timer thread. Idempotent; later connections are closed at once.
   */
  @Override
  public void close() {
    runtime.close();
  }
}
