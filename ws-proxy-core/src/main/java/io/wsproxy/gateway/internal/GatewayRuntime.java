package io.wsproxy.gateway.internal;

import com.google.gson.JsonObject;
import io.wsproxy.CloseCodes;
import io.wsproxy.HandshakeDecision;
import io.wsproxy.ProxyListener;
import io.wsproxy.gateway.AgentRegistry;
import io.wsproxy.gateway.ClientInfo;
import io.wsproxy.gateway.Gateway;
import io.wsproxy.gateway.GatewayProtocol;
import io.wsproxy.gateway.GatewayStats;
import io.wsproxy.gateway.Handler;
import io.wsproxy.gateway.SessionInfo;
import io.wsproxy.internal.Closes;
import io.wsproxy.internal.ConnectionLimiter;
import io.wsproxy.internal.Scheduler;
import io.wsproxy.spi.Text;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsListener;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gateway's parts, wired once: the client table ({@link Clients}), the broadcast rooms
 * ({@link Rooms}), the agent registry ({@link Agents}), the dispatcher and the built-in methods,
 * and the agent profile when enabled. Each part is given what it uses when it is built; none
 * reaches back here. {@code Gateway} is its public face and delegates to it.
 *
 * <p><b>Threading.</b> Thread-safe. Each client's events come from its transport thread; host
 * calls may come from any thread; timers run on one {@link Scheduler} thread per gateway.
 */
public final class GatewayRuntime {

  private static final Logger log = LoggerFactory.getLogger(GatewayRuntime.class);

  /** The event sent to a client as soon as it opens, when enabled. */
  public static final String SESSION_INFO_EVENT = "session_info";

  private final Settings settings;
  private final SafeListener listener;
  private final Handlers handlers = new Handlers();
  private final Counters counters = new Counters();
  private final Scheduler scheduler = new Scheduler("ws-gateway-timer");
  private final Clients clients;
  private final Rooms rooms;
  private final Agents agents;
  private final Dispatcher dispatcher;
  private final AgentProfileMethods profile;
  private final ConnectionLimiter limiter;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final long startedAt;
  private final ScheduledFuture<?> heartbeat;

  public GatewayRuntime(Settings settings) {
    this.settings = settings;
    this.listener = new SafeListener(settings.listener());
    Codec codec = Codec.of(settings.protocol(), settings.maxJsonDepth());
    this.clients = new Clients(settings, codec, counters, listener, scheduler);
    this.rooms = new Rooms(settings.maxSessionsPerClient(), clients, listener);
    this.agents = new Agents(scheduler, clients.agentSender(), listener, settings.maxAgents(),
        Gateway.MAX_AGENT_REQUEST_TIMEOUT, settings.gson());
    clients.onRemoved(client -> agents.clientGone(client.id));
    this.dispatcher = new Dispatcher(clients, rooms, handlers, counters, codec, settings,
        listener);
    Timeouts timeouts = new Timeouts(scheduler);
    this.profile = settings.agentProfile() == null ? null
        : new AgentProfileMethods(settings.agentProfile(), clients, timeouts, settings.gson());
    this.limiter = ConnectionLimiter.fitted(settings.limits(), 1, "gateway"); // one descriptor per client
    this.startedAt = clients.now();
    new BuiltinMethods(clients, settings, timeouts, this::stats, counters::requestsByType,
        this::healthExtras).register(handlers);
    new RoomMethods(rooms, clients).register(handlers);
    new AgentMethods(agents, settings).register(handlers);
    if (profile != null) {
      profile.register(handlers);
    }
    this.heartbeat = settings.pingInterval().isZero() ? null
        : scheduler.every(settings.pingInterval(), clients::heartbeatTick);
  }

  /** The pipeline's listener (the host's, made safe). */
  public ProxyListener handshakeListener() {
    return listener;
  }

  /** The connection caps ({@link io.wsproxy.Limits#maxConnections()} and per address). */
  public ConnectionLimiter limiter() {
    return limiter;
  }

  /** Serves an accepted client; {@code permit} is its connection slot, given back on removal. */
  public WsListener open(WsChannel channel, HandshakeDecision.Accept accept,
      ConnectionLimiter.Permit permit) {
    if (closed.get()) {
      permit.release();
      Closes.close(channel, CloseCodes.GOING_AWAY, Gateway.SHUTDOWN_REASON);
      return new WsListener() {};
    }
    ClientState client = clients.add(channel, accept, permit);
    if (settings.announceOnConnect()) {
      clients.sendEvent(client, SESSION_INFO_EVENT, null, sessionInfo(client));
    }
    if (closed.get()) { // raced with close(): it may have missed this client
      clients.close(client, CloseCodes.GOING_AWAY, Gateway.SHUTDOWN_REASON);
    }
    return new WsListener() {
      @Override
      public void onText(WsChannel ch, Text text) {
        dispatcher.onText(client, text.asString());
      }

      @Override
      public void onBinary(WsChannel ch, ByteBuffer data) {
        dispatcher.onBinary(client);
      }

      @Override
      public void onPong(WsChannel ch, ByteBuffer data) {
        client.touch(clients.now());
      }

      @Override
      public void onClose(WsChannel ch, int code, String reason, boolean remote) {
        clients.closedByPeer(client, code, reason);
      }

      @Override
      public void onError(WsChannel ch, Throwable error) {
        log.debug("transport error on client {}: {}", client.id, error.toString());
      }
    };
  }

  private JsonObject sessionInfo(ClientState client) {
    JsonObject o = new JsonObject();
    o.addProperty("clientId", client.id);
    o.addProperty("authRequired", !client.authenticated());
    o.addProperty("protocol", settings.protocol() == GatewayProtocol.ENVELOPE ? "envelope" : "jsonrpc");
    o.addProperty("version", settings.version());
    o.addProperty("heartbeatIntervalMs", settings.pingInterval().toMillis());
    return o;
  }

  private void healthExtras(JsonObject health) {
    if (profile != null) {
      profile.addHealth(health);
    }
  }

  // ---- host API ----

  public <P> void handle(String name, Class<P> paramsType, Handler<P> handler) {
    handlers.user(name, paramsType, handler);
  }

  public boolean sendTo(String clientId, String event, Object data) {
    Clients.requireEvent(event);
    return clients.sendTo(clientId, event, data);
  }

  public int broadcastAll(String event, Object data, Predicate<ClientInfo> filter) {
    return clients.sendToAll(event, data, filter);
  }

  public int broadcast(String sessionId, String event, Object data, String excludeClientId) {
    return rooms.broadcast(sessionId, event, data, excludeClientId);
  }

  public SessionInfo createSession(String sessionId, Map<String, String> metadata) {
    return rooms.create(sessionId, metadata == null ? Map.of() : Map.copyOf(metadata));
  }

  public boolean addMember(String sessionId, String clientId) {
    return rooms.addMember(sessionId, clientId);
  }

  public boolean removeMember(String sessionId, String clientId) {
    return rooms.removeMember(sessionId, clientId);
  }

  public boolean endSession(String sessionId, String reason) {
    return rooms.end(sessionId, reason);
  }

  public boolean kick(String clientId, int code, String reason) {
    return clients.kick(clientId, code, reason);
  }

  public Optional<ClientInfo> client(String clientId) {
    ClientState c = clients.get(clientId);
    return c == null ? Optional.empty() : Optional.of(c.info(clients.now()));
  }

  public List<ClientInfo> clients() {
    return clients.snapshots();
  }

  public Optional<SessionInfo> session(String sessionId) {
    Rooms.Room r = rooms.get(sessionId);
    return r == null ? Optional.empty() : Optional.of(r.info());
  }

  public List<SessionInfo> sessions() {
    return rooms.snapshots();
  }

  public AgentRegistry agents() {
    return agents;
  }

  public GatewayStats stats() {
    return new GatewayStats(uptime(), clients.size(), rooms.size(), agents.onlineCount(),
        counters.in(), counters.out(), counters.errors(), counters.rateLimitedCount());
  }

  /** Requests received per registered type or method name. */
  public Map<String, Long> requestsByType() {
    return counters.requestsByType();
  }

  /** One heartbeat round now. */
  public void heartbeatTick() {
    clients.heartbeatTick();
  }

  private Duration uptime() {
    return Duration.ofNanos(Math.max(0, clients.now() - startedAt));
  }

  /** Closes every client with 1001, fails pending agent requests and stops the timer thread. */
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (heartbeat != null) {
      heartbeat.cancel(false);
    }
    clients.closeAll();
    agents.failAll();
    scheduler.shutdownNow();
  }
}
