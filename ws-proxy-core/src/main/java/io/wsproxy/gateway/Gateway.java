package io.wsproxy.gateway;

import static io.wsproxy.internal.Checks.positive;

import io.wsproxy.internal.Checks;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import io.wsproxy.AuthValidator;
import io.wsproxy.CloseCodes;
import io.wsproxy.HandshakeDecision;
import io.wsproxy.HandshakeRequest;
import io.wsproxy.Limits;
import io.wsproxy.OriginFilter;
import io.wsproxy.Principal;
import io.wsproxy.RejectionMode;
import io.wsproxy.TrustedProxies;
import io.wsproxy.EndpointBuilder;
import io.wsproxy.HandshakeOptions;
import io.wsproxy.spi.PendingHandshake;
import io.wsproxy.spi.WsEndpoint;
import io.wsproxy.gateway.internal.GatewayCore;
import io.wsproxy.gateway.internal.Settings;
import io.wsproxy.internal.AcceptingHandshake;
import io.wsproxy.internal.Admission;
import io.wsproxy.internal.Admissions;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;

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
 * non-anonymous principal, or when no {@link Builder#messageAuth message auth} is configured.
 * Otherwise it must send {@code auth} with {@code {token}} or {@code {password, username?}}
 * within {@link Builder#authTimeout} (else it is closed with {@value #CLOSE_AUTH_TIMEOUT}); until
 * then only {@code connect}, {@code auth} and {@code ping} are accepted and everything else is
 * answered with {@link ErrorCodes#NOT_AUTHENTICATED}. After {@link Builder#maxAuthFailures} refused
 * attempts the client is closed with {@value #CLOSE_AUTH_FAILED}.
 *
 * <p><b>Built-in methods</b> (envelope aliases in brackets): {@code connect} → {@code hello_ok},
 * {@code auth} → {@code auth_success}, {@code ping} → {@code pong}, {@code system.health},
 * {@code stats}, {@code sessions.create|join|leave|patch|list|broadcast}
 * ({@code session_create|join|leave|patch|list|broadcast}), {@code presence},
 * {@code agents.register|list|request|respond} ({@code agent_register|list|request|respond}).
 * Hosts add methods with {@link #handle} and may replace any built-in except connect, auth and ping.
 *
 * <p><b>Heartbeat.</b> Every {@link Builder#pingInterval} the gateway sends a WebSocket ping to each
 * client it has not heard from for half that interval; any message or pong counts as a sign of life
 * (protocol {@code ping} messages too, for clients that cannot see WebSocket pings). A client silent
 * for {@link Builder#clientTimeout} is closed with {@value #CLOSE_HEARTBEAT_TIMEOUT} and its state
 * removed, between clientTimeout and clientTimeout + pingInterval after its last sign of life.
 *
 * <p><b>Limits.</b> A message larger than {@link Limits#maxMessageSize()} is answered with
 * {@link ErrorCodes#MESSAGE_TOO_LARGE} and closes the client with 1009, before any parsing; JSON
 * nested deeper than {@link Builder#maxJsonDepth} is refused while parsing with
 * {@link ErrorCodes#PARSE_ERROR}; each client has a token-bucket rate limit, answered with
 * {@link ErrorCodes#RATE_LIMITED}, and {@link Builder#rateLimitCloseAfter} refusals in a row close
 * it with {@value #CLOSE_RATE_LIMITED}. A client whose unsent bytes pass
 * {@link Limits#maxQueuedBytes()} is closed with {@value #CLOSE_SLOW_CONSUMER}.
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
  /** Highest {@link Builder#maxJsonDepth} allowed: 1,000 levels. */
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
  /** Close code for a client that does not read what it is sent: 1008. */
  public static final int CLOSE_SLOW_CONSUMER = CloseCodes.POLICY_VIOLATION;
  /** Close code of {@link #kick(String, String)}: 4000 (application-defined range). */
  public static final int CLOSE_KICKED = 4000;
  /** Reason sent with 1001 to every client when the gateway closes. */
  public static final String SHUTDOWN_REASON = "Gateway shutting down";

  /** Event to session members when a client joins or leaves: {@code {sessionId, clientId, principal, action}}. */
  public static final String PRESENCE_EVENT = "presence";
  /** Event of {@code sessions.broadcast}: {@code {sessionId, from, data}}. */
  public static final String SESSION_MESSAGE_EVENT = "session.message";
  /** Event of {@code sessions.patch}: {@code {sessionId, from, metadata}}. */
  public static final String SESSION_PATCH_EVENT = "session.patch";
  /** Event an agent receives for a routed request (see {@link AgentRegistry}). */
  public static final String AGENT_REQUEST_EVENT = "agent.request";

  private final Builder config;
  private final HandshakeOptions options;
  private final Admission admission;
  private final GatewayCore core;

  private Gateway(Builder b) {
    this.config = b.copy();
    this.options = b.handshakeOptions();
    Settings settings = new Settings(b.protocol, options.limits(), b.maxJsonDepth, b.ratePerSecond,
        b.rateBurst, b.rateCloseAfter, b.pingInterval, b.clientTimeout, b.authTimeout,
        b.maxAuthFailures, b.messageAuth, b.ticker, b.listener, b.gson, b.version,
        b.maxSessionsPerClient, b.maxAgents, b.agentRequestTimeout);
    this.core = new GatewayCore(settings, this);
    // no routes: a gateway accepts without routing
    this.admission = Admissions.of(options, null, null, core.handshakeListener(), core.limiter());
  }

  /** A new builder with the secure defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this gateway's configuration (handlers are not part of it). */
  public Builder toBuilder() {
    return config.copy();
  }

  /** Runs the handshake pipeline; the gateway answers clients at once (it has no upstream). */
  @Override
  public PendingHandshake handshake(HandshakeRequest request, Object affinity) {
    Objects.requireNonNull(request, "request");
    return AcceptingHandshake.start(admission, request, core::open);
  }

  @Override
  public Limits limits() {
    return options.limits();
  }

  @Override
  public RejectionMode rejectionMode() {
    return options.rejectionMode();
  }

  /** The wire protocol of this gateway. */
  public GatewayProtocol protocol() {
    return config.protocol;
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
    core.handle(name, paramsType, handler);
    return this;
  }

  /** {@link #handle(String, Class, Handler)} with the params as a Gson tree. */
  public Gateway handle(String name, Handler<JsonElement> handler) {
    return handle(name, JsonElement.class, handler);
  }

  /** Sends the server event {@code event} with {@code data} to one client; {@code false} if it is gone. */
  public boolean sendTo(String clientId, String event, Object data) {
    return core.sendTo(clientId, event, data);
  }

  /** Sends the server event {@code event} to every member of a session; answers how many. */
  public int broadcast(String sessionId, String event, Object data) {
    return core.broadcast(sessionId, event, data, null);
  }

  /** Sends the server event {@code event} to every member of a session but one; answers how many. */
  public int broadcast(String sessionId, String event, Object data, String excludeClientId) {
    return core.broadcast(sessionId, event, data, excludeClientId);
  }

  /** Closes a client with {@value #CLOSE_KICKED} and {@code reason}; {@code false} if it is gone. */
  public boolean kick(String clientId, String reason) {
    return kick(clientId, CLOSE_KICKED, reason);
  }

  /** Closes a client with {@code code} and {@code reason} and removes its state at once. */
  public boolean kick(String clientId, int code, String reason) {
    return core.kick(clientId, code, reason);
  }

  /** A snapshot of one client. */
  public Optional<ClientInfo> client(String clientId) {
    return core.client(clientId);
  }

  /** Snapshots of every connected client, oldest first. */
  public List<ClientInfo> clients() {
    return core.clients();
  }

  /** A snapshot of one session. */
  public Optional<SessionInfo> session(String sessionId) {
    return core.session(sessionId);
  }

  /** Snapshots of every live session, by id. */
  public List<SessionInfo> sessions() {
    return core.sessions();
  }

  /** The agent registry, to find agents and route requests to them. */
  public AgentRegistry agents() {
    return core.agents();
  }

  /** The gateway's counters. */
  public GatewayStats stats() {
    return core.stats();
  }

  /** Runs one heartbeat round now (tests drive it with an injected ticker). */
  void heartbeatTick() {
    core.heartbeatTick();
  }

  /**
   * Closes every client with 1001 Going Away, fails pending agent requests and stops the timer
   * thread. Idempotent; later connections are closed at once.
   */
  @Override
  public void close() {
    core.close();
  }

  /**
   * Configures a {@link Gateway}. Not thread-safe. Every setter validates its argument at once and
   * names the field in the exception.
   */
  public static final class Builder extends EndpointBuilder<Builder> {
    private GatewayProtocol protocol = GatewayProtocol.ENVELOPE;
    private CredentialsValidator messageAuth;
    private Duration authTimeout = DEFAULT_AUTH_TIMEOUT;
    private int maxAuthFailures = DEFAULT_MAX_AUTH_FAILURES;
    private int maxJsonDepth = DEFAULT_MAX_JSON_DEPTH;
    private double ratePerSecond = DEFAULT_RATE_PER_SECOND;
    private int rateBurst = DEFAULT_RATE_BURST;
    private int rateCloseAfter = DEFAULT_RATE_CLOSE_AFTER;
    private Duration pingInterval = DEFAULT_PING_INTERVAL;
    private Duration clientTimeout = DEFAULT_CLIENT_TIMEOUT;
    private LongSupplier ticker = System::nanoTime;
    private GatewayListener listener = GatewayListener.NONE;
    private Gson gson = new GsonBuilder().disableHtmlEscaping().create();
    private String version = defaultVersion();
    private int maxSessionsPerClient = DEFAULT_MAX_SESSIONS_PER_CLIENT;
    private int maxAgents = DEFAULT_MAX_AGENTS;
    private Duration agentRequestTimeout = DEFAULT_AGENT_REQUEST_TIMEOUT;

    private Builder() {
      super(DEFAULT_LIMITS);
    }

    @Override
    protected Builder self() {
      return this;
    }

    private Builder copy() {
      Builder b = new Builder().handshakeOptions(handshakeOptions());
      b.protocol = protocol;
      b.messageAuth = messageAuth;
      b.authTimeout = authTimeout;
      b.maxAuthFailures = maxAuthFailures;
      b.maxJsonDepth = maxJsonDepth;
      b.ratePerSecond = ratePerSecond;
      b.rateBurst = rateBurst;
      b.rateCloseAfter = rateCloseAfter;
      b.pingInterval = pingInterval;
      b.clientTimeout = clientTimeout;
      b.ticker = ticker;
      b.listener = listener;
      b.gson = gson;
      b.version = version;
      b.maxSessionsPerClient = maxSessionsPerClient;
      b.maxAgents = maxAgents;
      b.agentRequestTimeout = agentRequestTimeout;
      return b;
    }

    /** The wire protocol; {@link GatewayProtocol#ENVELOPE} by default. */
    public Builder protocol(GatewayProtocol protocol) {
      this.protocol = Objects.requireNonNull(protocol, "protocol");
      return this;
    }

    /**
     * Requires clients the handshake left anonymous to authenticate with an {@code auth} message
     * checked by {@code validator} (see {@link CredentialsValidator}'s factories for token and
     * password checks). Without it (the default) every accepted client is authenticated.
     */
    public Builder messageAuth(CredentialsValidator validator) {
      this.messageAuth = Objects.requireNonNull(validator, "messageAuth");
      return this;
    }

    /** Time an unauthenticated client has to authenticate; {@link #DEFAULT_AUTH_TIMEOUT} by default. */
    public Builder authTimeout(Duration timeout) {
      this.authTimeout = positive("authTimeout", timeout);
      return this;
    }

    /** Refused auth attempts before the client is closed; {@link #DEFAULT_MAX_AUTH_FAILURES} by default. */
    public Builder maxAuthFailures(int attempts) {
      this.maxAuthFailures = positive("maxAuthFailures", attempts);
      return this;
    }

    /** Deepest JSON nesting accepted, 1 to {@link #MAX_JSON_DEPTH}; {@link #DEFAULT_MAX_JSON_DEPTH} by default. */
    public Builder maxJsonDepth(int depth) {
      if (depth < 1 || depth > MAX_JSON_DEPTH) {
        throw new IllegalArgumentException("maxJsonDepth must be 1.." + MAX_JSON_DEPTH + ": " + depth);
      }
      this.maxJsonDepth = depth;
      return this;
    }

    /**
     * Each client's rate limit: {@code burst} messages at once, refilled at {@code perSecond};
     * {@link #DEFAULT_RATE_PER_SECOND} and {@link #DEFAULT_RATE_BURST} by default.
     */
    public Builder rateLimit(double perSecond, int burst) {
      if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
        throw new IllegalArgumentException("rateLimit perSecond must be positive: " + perSecond);
      }
      this.rateBurst = positive("rateLimit burst", burst);
      this.ratePerSecond = perSecond;
      return this;
    }

    /** Rate-limited messages in a row that close the client; {@link #DEFAULT_RATE_CLOSE_AFTER} by default. */
    public Builder rateLimitCloseAfter(int refusals) {
      this.rateCloseAfter = positive("rateLimitCloseAfter", refusals);
      return this;
    }

    /** Heartbeat ping interval; {@link Duration#ZERO} disables the heartbeat. {@link #DEFAULT_PING_INTERVAL} by default. */
    public Builder pingInterval(Duration interval) {
      this.pingInterval = Checks.notNegative("pingInterval", interval);
      return this;
    }

    /** Silence after which a client is closed; more than the ping interval. {@link #DEFAULT_CLIENT_TIMEOUT} by default. */
    public Builder clientTimeout(Duration timeout) {
      this.clientTimeout = positive("clientTimeout", timeout);
      return this;
    }

    /** The monotonic clock in nanoseconds for heartbeat and rate limit; {@code System::nanoTime} by default (tests inject one). */
    public Builder ticker(LongSupplier ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /** The lifecycle listener; {@link GatewayListener#NONE} by default. */
    public Builder listener(GatewayListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** The Gson for params, results and event data (register type adapters here). */
    public Builder gson(Gson gson) {
      this.gson = Objects.requireNonNull(gson, "gson");
      return this;
    }

    /** The version {@code system.health} and {@code hello_ok} report; the library's by default. */
    public Builder version(String version) {
      Objects.requireNonNull(version, "version");
      if (version.isBlank()) {
        throw new IllegalArgumentException("version must not be blank");
      }
      this.version = version;
      return this;
    }

    /** Most sessions one client may be in; {@link #DEFAULT_MAX_SESSIONS_PER_CLIENT} by default. */
    public Builder maxSessionsPerClient(int sessions) {
      this.maxSessionsPerClient = positive("maxSessionsPerClient", sessions);
      return this;
    }

    /** Most registered agents; {@link #DEFAULT_MAX_AGENTS} by default. */
    public Builder maxAgents(int agents) {
      this.maxAgents = positive("maxAgents", agents);
      return this;
    }

    /** Default time an agent has to answer a routed request; at most {@link #MAX_AGENT_REQUEST_TIMEOUT}. */
    public Builder agentRequestTimeout(Duration timeout) {
      positive("agentRequestTimeout", timeout);
      if (timeout.compareTo(MAX_AGENT_REQUEST_TIMEOUT) > 0) {
        throw new IllegalArgumentException("agentRequestTimeout must be at most "
            + MAX_AGENT_REQUEST_TIMEOUT + ": " + timeout);
      }
      this.agentRequestTimeout = timeout;
      return this;
    }

    /** Builds the gateway and starts its timer thread; close it when done. */
    public Gateway build() {
      if (!pingInterval.isZero() && clientTimeout.compareTo(pingInterval) <= 0) {
        throw new IllegalStateException("clientTimeout (" + clientTimeout
            + ") must be longer than pingInterval (" + pingInterval + ")");
      }
      return new Gateway(this);
    }

    private static String defaultVersion() {
      String v = Gateway.class.getPackage().getImplementationVersion();
      return v != null ? v : "dev";
    }
  }
}
