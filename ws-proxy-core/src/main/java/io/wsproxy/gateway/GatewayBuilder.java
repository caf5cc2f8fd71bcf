package io.wsproxy.gateway;

import static io.wsproxy.internal.Checks.positive;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import io.wsproxy.gateway.agent.AgentProfile;
import io.wsproxy.EndpointBuilder;
import io.wsproxy.internal.Checks;
import io.wsproxy.gateway.internal.Settings;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Configures a {@link Gateway}; {@link Gateway#builder()} makes one. The handshake half (origin,
 * auth, trusted proxies, identity headers, limits, rejection mode) is {@link EndpointBuilder}'s,
 * shared with the proxy. Not thread-safe. Every setter validates its argument at once and names
 * the field in the exception.
 */
public final class GatewayBuilder extends EndpointBuilder<GatewayBuilder> {
  private GatewayProtocol protocol = GatewayProtocol.ENVELOPE;
  private CredentialsValidator messageAuth;
  private Duration authTimeout = Gateway.DEFAULT_AUTH_TIMEOUT;
  private int maxAuthFailures = Gateway.DEFAULT_MAX_AUTH_FAILURES;
  private int maxJsonDepth = Gateway.DEFAULT_MAX_JSON_DEPTH;
  private double ratePerSecond = Gateway.DEFAULT_RATE_PER_SECOND;
  private int rateBurst = Gateway.DEFAULT_RATE_BURST;
  private int rateCloseAfter = Gateway.DEFAULT_RATE_CLOSE_AFTER;
  private Duration pingInterval = Gateway.DEFAULT_PING_INTERVAL;
  private Duration clientTimeout = Gateway.DEFAULT_CLIENT_TIMEOUT;
  private LongSupplier ticker = System::nanoTime;
  private GatewayListener listener = GatewayListener.NONE;
  private Gson gson = new GsonBuilder().disableHtmlEscaping().create();
  private String version = defaultVersion();
  private int maxSessionsPerClient = Gateway.DEFAULT_MAX_SESSIONS_PER_CLIENT;
  private int maxAgents = Gateway.DEFAULT_MAX_AGENTS;
  private Duration agentRequestTimeout = Gateway.DEFAULT_AGENT_REQUEST_TIMEOUT;
  private Handler<JsonElement> unhandled;
  private AgentProfile agentProfile;
  private Boolean announceOnConnect;
  private int maxCallsInFlight = Gateway.DEFAULT_MAX_CALLS_IN_FLIGHT;
  private long maxQueuedBytesPerClient = Gateway.DEFAULT_MAX_QUEUED_BYTES_PER_CLIENT;
  private String path;

  GatewayBuilder() {
    super(Gateway.DEFAULT_LIMITS);
  }

  @Override
  protected GatewayBuilder self() {
    return this;
  }

  GatewayBuilder copy() {
    GatewayBuilder b = new GatewayBuilder().handshakeOptions(handshakeOptions());
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
    b.unhandled = unhandled;
    b.agentProfile = agentProfile;
    b.announceOnConnect = announceOnConnect;
    b.maxCallsInFlight = maxCallsInFlight;
    b.maxQueuedBytesPerClient = maxQueuedBytesPerClient;
    b.path = path;
    return b;
  }

  GatewayProtocol protocol() {
    return protocol;
  }

  String path() {
    return path;
  }

  /**
   * Serves only handshakes for exactly this path (raw, starting with {@code /}, query ignored);
   * others are refused with 404 / 4404 before anything else runs. By default every path is served
   * (the host's server decides what reaches the gateway).
   */
  public GatewayBuilder path(String path) {
    Objects.requireNonNull(path, "path");
    if (!path.startsWith("/") || path.contains("?") || path.contains("#")
        || path.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
      throw new IllegalArgumentException(
          "path must start with / and hold no query, fragment, space or control character: " + path);
    }
    this.path = path;
    return this;
  }

  /** The validated settings the internals run on. */
  Settings settings() {
    boolean announce = announceOnConnect != null ? announceOnConnect
        : protocol == GatewayProtocol.ENVELOPE;
    return new Settings(protocol, handshakeOptions().limits(), maxJsonDepth, ratePerSecond,
        rateBurst, rateCloseAfter, pingInterval, clientTimeout, authTimeout, maxAuthFailures,
        messageAuth, ticker, listener, gson, version, maxSessionsPerClient, maxAgents,
        agentRequestTimeout, unhandled, agentProfile, announce, maxCallsInFlight,
        maxQueuedBytesPerClient);
  }

  /**
   * Serves the agent profile (see {@link io.wsproxy.gateway.agent}): {@code agent.send},
   * {@code agent.cancel}, {@code sessions.create|list|history} (conversations, not rooms),
   * {@code tools.list}, {@code tools.invoke}, and tool and conversation counts in
   * {@code system.health}. Off by default.
   */
  public GatewayBuilder agentProfile(AgentProfile profile) {
    this.agentProfile = Objects.requireNonNull(profile, "agentProfile");
    return this;
  }

  /**
   * Hands every message whose type or method has no handler to {@code handler} instead of
   * answering {@link ErrorCodes#METHOD_NOT_FOUND} ({@link Call#method()} names the type). By
   * default unknown types get that error.
   */
  public GatewayBuilder unhandled(Handler<JsonElement> handler) {
    this.unhandled = Objects.requireNonNull(handler, "unhandled");
    return this;
  }

  /**
   * Whether each client is sent {@value Gateway#SESSION_INFO_EVENT}
   * {@code {clientId, authRequired, protocol, version, heartbeatIntervalMs}} as soon as it opens;
   * by default yes in the envelope protocol, no in JSON-RPC (whose clients expect nothing before
   * their first reply).
   */
  public GatewayBuilder announceOnConnect(boolean announce) {
    this.announceOnConnect = announce;
    return this;
  }

  /** Most unanswered calls per client; {@link Gateway#DEFAULT_MAX_CALLS_IN_FLIGHT} by default. */
  public GatewayBuilder maxCallsInFlight(int calls) {
    this.maxCallsInFlight = positive("maxCallsInFlight", calls);
    return this;
  }

  /**
   * Most bytes queued toward one client (sent by the gateway, not yet written to its socket, as
   * the transport counts them) before the client is dropped as a slow consumer: a message due to a
   * client whose backlog is already past this is not queued; the client is closed with
   * {@value Gateway#CLOSE_SLOW_CONSUMER} {@value Gateway#SLOW_CONSUMER_REASON} instead. So a
   * client's backlog never exceeds this plus one message, whatever a broadcast storm sends, and
   * the sender and the other members are unaffected. {@link Gateway#DEFAULT_MAX_QUEUED_BYTES_PER_CLIENT}
   * by default.
   */
  public GatewayBuilder maxQueuedBytesPerClient(long bytes) {
    this.maxQueuedBytesPerClient = positive("maxQueuedBytesPerClient", bytes);
    return this;
  }

  /** The wire protocol; {@link GatewayProtocol#ENVELOPE} by default. */
  public GatewayBuilder protocol(GatewayProtocol protocol) {
    this.protocol = Objects.requireNonNull(protocol, "protocol");
    return this;
  }

  /**
   * Requires clients the handshake left anonymous to authenticate with an {@code auth} message
   * checked by {@code validator} (see {@link CredentialsValidator}'s factories for token and
   * password checks). Without it (the default) every accepted client is authenticated.
   */
  public GatewayBuilder messageAuth(CredentialsValidator validator) {
    this.messageAuth = Objects.requireNonNull(validator, "messageAuth");
    return this;
  }

  /** Time an unauthenticated client has to authenticate; {@link Gateway#DEFAULT_AUTH_TIMEOUT} by default. */
  public GatewayBuilder authTimeout(Duration timeout) {
    this.authTimeout = positive("authTimeout", timeout);
    return this;
  }

  /** Refused auth attempts before the client is closed; {@link Gateway#DEFAULT_MAX_AUTH_FAILURES} by default. */
  public GatewayBuilder maxAuthFailures(int attempts) {
    this.maxAuthFailures = positive("maxAuthFailures", attempts);
    return this;
  }

  /** Deepest JSON nesting accepted, 1 to {@link Gateway#MAX_JSON_DEPTH}; {@link Gateway#DEFAULT_MAX_JSON_DEPTH} by default. */
  public GatewayBuilder maxJsonDepth(int depth) {
    if (depth < 1 || depth > Gateway.MAX_JSON_DEPTH) {
      throw new IllegalArgumentException("maxJsonDepth must be 1.." + Gateway.MAX_JSON_DEPTH + ": " + depth);
    }
    this.maxJsonDepth = depth;
    return this;
  }

  /**
   * Each client's rate limit: {@code burst} messages at once, refilled at {@code perSecond};
   * {@link Gateway#DEFAULT_RATE_PER_SECOND} and {@link Gateway#DEFAULT_RATE_BURST} by default.
   */
  public GatewayBuilder rateLimit(double perSecond, int burst) {
    if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
      throw new IllegalArgumentException("rateLimit perSecond must be positive: " + perSecond);
    }
    this.rateBurst = positive("rateLimit burst", burst);
    this.ratePerSecond = perSecond;
    return this;
  }

  /** Rate-limited messages in a row that close the client; {@link Gateway#DEFAULT_RATE_CLOSE_AFTER} by default. */
  public GatewayBuilder rateLimitCloseAfter(int refusals) {
    this.rateCloseAfter = positive("rateLimitCloseAfter", refusals);
    return this;
  }

  /** Heartbeat ping interval; {@link Duration#ZERO} disables the heartbeat. {@link Gateway#DEFAULT_PING_INTERVAL} by default. */
  public GatewayBuilder pingInterval(Duration interval) {
    this.pingInterval = Checks.notNegative("pingInterval", interval);
    return this;
  }

  /** Silence after which a client is closed; more than the ping interval. {@link Gateway#DEFAULT_CLIENT_TIMEOUT} by default. */
  public GatewayBuilder clientTimeout(Duration timeout) {
    this.clientTimeout = positive("clientTimeout", timeout);
    return this;
  }

  /** The monotonic clock in nanoseconds for heartbeat and rate limit; {@code System::nanoTime} by default (tests inject one). */
  public GatewayBuilder ticker(LongSupplier ticker) {
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    return this;
  }

  /** The lifecycle listener; {@link GatewayListener#NONE} by default. */
  public GatewayBuilder listener(GatewayListener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
    return this;
  }

  /** The Gson for params, results and event data (register type adapters here). */
  public GatewayBuilder gson(Gson gson) {
    this.gson = Objects.requireNonNull(gson, "gson");
    return this;
  }

  /** The version {@code system.health} and {@code hello_ok} report; the library's by default. */
  public GatewayBuilder version(String version) {
    Objects.requireNonNull(version, "version");
    if (version.isBlank()) {
      throw new IllegalArgumentException("version must not be blank");
    }
    this.version = version;
    return this;
  }

  /** Most sessions one client may be in; {@link Gateway#DEFAULT_MAX_SESSIONS_PER_CLIENT} by default. */
  public GatewayBuilder maxSessionsPerClient(int sessions) {
    this.maxSessionsPerClient = positive("maxSessionsPerClient", sessions);
    return this;
  }

  /** Most registered agents; {@link Gateway#DEFAULT_MAX_AGENTS} by default. */
  public GatewayBuilder maxAgents(int agents) {
    this.maxAgents = positive("maxAgents", agents);
    return this;
  }

  /** Default time an agent has to answer a routed request; at most {@link Gateway#MAX_AGENT_REQUEST_TIMEOUT}. */
  public GatewayBuilder agentRequestTimeout(Duration timeout) {
    positive("agentRequestTimeout", timeout);
    if (timeout.compareTo(Gateway.MAX_AGENT_REQUEST_TIMEOUT) > 0) {
      throw new IllegalArgumentException("agentRequestTimeout must be at most "
          + Gateway.MAX_AGENT_REQUEST_TIMEOUT + ": " + timeout);
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
