package io.wsproxy.gateway.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.wsproxy.CloseCodes;
import io.wsproxy.HandshakeDecision;
import io.wsproxy.internal.Closes;
import io.wsproxy.spi.Text;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsListener;
import io.wsproxy.gateway.AgentRegistry;
import io.wsproxy.gateway.ClientInfo;
import io.wsproxy.gateway.Gateway;
import io.wsproxy.gateway.GatewayStats;
import io.wsproxy.gateway.Handler;
import io.wsproxy.gateway.SessionInfo;
import io.wsproxy.internal.ConnectionLimiter;
import io.wsproxy.internal.Scheduler;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's state and client lifecycle: the client table, sends and broadcasts, closing and
 * removing clients, the heartbeat and the auth deadline. {@link Gateway} is its public face.
 *
 * <p><b>Threading.</b> Thread-safe. Each client's events come from its transport thread; sends,
 * broadcasts, kicks and snapshots may come from any thread; timers run on one {@link Scheduler}
 * thread per gateway. The only locks are {@link Sessions}' and {@link Agents}' internal ones, and no
 * user code or send runs under them.
 */
public final class GatewayCore {

  private static final Logger log = LoggerFactory.getLogger(GatewayCore.class);
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

  private final Settings settings;
  private final Gateway owner;
  private final SafeListener listener;
  private final Codec codec;
  private final Handlers handlers = new Handlers();
  private final Dispatcher dispatcher;
  private final Scheduler scheduler;
  private final Sessions sessions;
  private final Agents agents;
  private final Counters counters = new Counters();
  private final ConnectionLimiter limiter;
  private final Map<String, ClientState> clients = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final long startedAt;
  private final ScheduledFuture<?> heartbeat;

  public GatewayCore(Settings settings, Gateway owner) {
    this.settings = settings;
    this.owner = owner;
    this.listener = new SafeListener(settings.listener());
    this.codec = Codec.of(settings.protocol(), settings.maxJsonDepth());
    this.dispatcher = new Dispatcher(this, handlers, codec, settings);
    this.scheduler = new Scheduler("ws-gateway-timer");
    this.sessions = new Sessions(settings.maxSessionsPerClient());
    this.agents = new Agents(scheduler, this::sendEventTo, listener, settings.maxAgents(),
        Gateway.MAX_AGENT_REQUEST_TIMEOUT, settings.gson());
    this.limiter = ConnectionLimiter.fitted(settings.limits(), 1, "gateway");
    this.startedAt = now();
    new BuiltinMethods(this, settings).register(handlers);
    new AgentMethods(agents, settings).register(handlers);
    this.heartbeat = settings.pingInterval().isZero() ? null
        : scheduler.every(settings.pingInterval(), this::heartbeatTick);
  }

  /** The pipeline's listener (the host's, made safe). */
  public io.wsproxy.ProxyListener handshakeListener() {
    return listener;
  }

  /** The connection caps ({@link io.wsproxy.Limits#maxConnections()} and per address). */
  public ConnectionLimiter limiter() {
    return limiter;
  }

  // ---- client lifecycle ----

  /** Serves an accepted client; {@code permit} is its connection slot, given back on removal. */
  public WsListener open(WsChannel channel, HandshakeDecision.Accept accept,
      ConnectionLimiter.Permit permit) {
    if (closed.get()) {
      permit.release();
      Closes.close(channel, CloseCodes.GOING_AWAY, Gateway.SHUTDOWN_REASON);
      return new WsListener() {};
    }
    boolean authenticated = settings.messageAuth() == null || !accept.principal().isAnonymous();
    long now = now();
    ClientState client = new ClientState(UUID.randomUUID().toString(), channel, accept,
        permit, authenticated,
        new TokenBucket(settings.ratePerSecond(), settings.rateBurst(), now), now);
    clients.put(client.id, client);
    if (!authenticated) {
      client.authDeadline = scheduler.schedule(settings.authTimeout(), () -> {
        if (!client.authenticated()) {
          closeClient(client, Gateway.CLOSE_AUTH_TIMEOUT, "Authentication timeout");
        }
      });
    }
    ClientInfo info = client.info(now);
    listener.clientConnected(info);
    if (authenticated) {
      listener.clientAuthenticated(info);
    }
    if (closed.get()) { // raced with close(): it may have missed this client
      closeClient(client, CloseCodes.GOING_AWAY, Gateway.SHUTDOWN_REASON);
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
        client.touch(now());
      }

      @Override
      public void onClose(WsChannel ch, int code, String reason, boolean remote) {
        if (client.closed.compareAndSet(false, true)) {
          remove(client, code, reason);
        }
      }

      @Override
      public void onError(WsChannel ch, Throwable error) {
        log.debug("transport error on client {}", client.id, error);
      }
    };
  }

  /**
   * Removes a client's state and closes it with {@code code}; idempotent. The state goes first, so
   * whoever sees the close also sees the client gone.
   */
  void closeClient(ClientState client, int code, String reason) {
    if (client.closed.compareAndSet(false, true)) {
      remove(client, code, reason);
      Closes.close(client.channel, code, reason);
    }
  }

  private void remove(ClientState client, int code, String reason) {
    clients.remove(client.id, client);
    client.permit.release();
    ScheduledFuture<?> deadline = client.authDeadline;
    if (deadline != null) {
      deadline.cancel(false);
    }
    ClientInfo info = client.info(now());
    for (Sessions.Left left : sessions.leaveAll(client)) {
      afterLeave(client, left);
    }
    agents.clientGone(client.id);
    listener.clientDisconnected(info, code, reason == null ? "" : reason);
  }

  /** Announces a leave to the remaining members, or the session's removal. */
  void afterLeave(ClientState client, Sessions.Left left) {
    if (left.removed()) {
      listener.sessionRemoved(left.session().id);
    } else {
      broadcast(left.session().id, Gateway.PRESENCE_EVENT, presenceChange(left.session().id,
          client, "leave"), client.id);
    }
  }

  /** Announces a join to the other members, and a new session to the listener. */
  void afterJoin(ClientState client, Sessions.Joined joined) {
    if (joined.created()) {
      listener.sessionCreated(joined.session().info());
    }
    if (joined.added()) {
      broadcast(joined.session().id, Gateway.PRESENCE_EVENT, presenceChange(joined.session().id,
          client, "join"), client.id);
    }
  }

  private static JsonObject presenceChange(String sessionId, ClientState client, String action) {
    JsonObject o = new JsonObject();
    o.addProperty("sessionId", sessionId);
    o.addProperty("clientId", client.id);
    o.addProperty("principal", client.principal().name());
    o.addProperty("action", action);
    return o;
  }

  void authenticated(ClientState client) {
    listener.clientAuthenticated(client.info(now()));
  }

  // ---- sending ----

  /** Sends one text to a client, closing it if it does not read what it is sent. */
  void send(ClientState client, String text) {
    if (client.closed.get()) {
      return;
    }
    boolean writable = client.channel.sendText(Text.of(text));
    counters.messageOut();
    if (!writable && client.channel.queuedBytes() > settings.limits().maxQueuedBytes()) {
      log.debug("client {} does not read its messages; closing it", client.id);
      closeClient(client, Gateway.CLOSE_SLOW_CONSUMER, "Slow consumer");
    }
  }

  void sendError(ClientState client, Codec.Inbound request, JsonElement id, int code,
      String message, Object data) {
    JsonElement json = data == null ? null : toJson(data);
    counters.error();
    send(client, codec.error(request, id, code, message, json));
  }

  void sendEvent(ClientState client, String event, String sessionId, Object data) {
    send(client, codec.event(requireEvent(event), sessionId, toJson(data)));
  }

  private boolean sendEventTo(String clientId, String event, JsonElement data) {
    ClientState c = clients.get(clientId);
    if (c == null || c.closed.get()) {
      return false;
    }
    sendEvent(c, event, null, data);
    return true;
  }

  public boolean sendTo(String clientId, String event, Object data) {
    Objects.requireNonNull(clientId, "clientId");
    requireEvent(event);
    return sendEventTo(clientId, event, toJson(data));
  }

  /** Sends an event to every member of a session except {@code excludeClientId}; answers how many. */
  public int broadcast(String sessionId, String event, Object data, String excludeClientId) {
    Objects.requireNonNull(sessionId, "sessionId");
    requireEvent(event);
    Sessions.Session session = sessions.get(sessionId);
    if (session == null) {
      return 0;
    }
    String text = codec.event(event, sessionId, toJson(data)); // serialised once for all members
    int sent = 0;
    for (String memberId : session.members) {
      if (memberId.equals(excludeClientId)) {
        continue;
      }
      ClientState member = clients.get(memberId);
      if (member != null && !member.closed.get()) {
        send(member, text);
        sent++;
      }
    }
    return sent;
  }

  JsonElement toJson(Object data) {
    return data instanceof JsonElement e ? e : settings.gson().toJsonTree(data);
  }

  private static String requireEvent(String event) {
    Objects.requireNonNull(event, "event");
    if (event.isEmpty() || event.length() > Codec.MAX_METHOD_CHARS) {
      throw new IllegalArgumentException(
          "event must have 1 to " + Codec.MAX_METHOD_CHARS + " characters: " + event);
    }
    return event;
  }

  // ---- host API ----

  public <P> void handle(String name, Class<P> paramsType, Handler<P> handler) {
    handlers.user(name, paramsType, handler);
  }

  public boolean kick(String clientId, int code, String reason) {
    Objects.requireNonNull(clientId, "clientId");
    if (!CloseCodes.isSendable(code)) {
      throw new IllegalArgumentException("code cannot be sent on the wire: " + code);
    }
    ClientState c = clients.get(clientId);
    if (c == null) {
      return false;
    }
    closeClient(c, code, reason == null ? "" : reason);
    return true;
  }

  public Optional<ClientInfo> client(String clientId) {
    ClientState c = clientId == null ? null : clients.get(clientId);
    return c == null ? Optional.empty() : Optional.of(c.info(now()));
  }

  public List<ClientInfo> clients() {
    long now = now();
    List<ClientInfo> out = new ArrayList<>();
    clients.values().forEach(c -> out.add(c.info(now)));
    out.sort(Comparator.comparing(ClientInfo::connectedAt).thenComparing(ClientInfo::id));
    return out;
  }

  public Optional<SessionInfo> session(String sessionId) {
    Sessions.Session s = sessions.get(sessionId);
    return s == null ? Optional.empty() : Optional.of(s.info());
  }

  public List<SessionInfo> sessions() {
    List<SessionInfo> out = new ArrayList<>();
    sessions.all().forEach(s -> out.add(s.info()));
    out.sort(Comparator.comparing(SessionInfo::id));
    return out;
  }

  public AgentRegistry agents() {
    return agents;
  }

  public GatewayStats stats() {
    return new GatewayStats(uptime(), clients.size(), sessions.size(), agents.onlineCount(),
        counters.in(), counters.out(), counters.errors(), counters.rateLimitedCount());
  }

  /** One heartbeat round: pings quiet clients and closes those silent past the client timeout. */
  public void heartbeatTick() {
    long now = now();
    long timeout = settings.clientTimeout().toNanos();
    long pingAfter = settings.pingInterval().toNanos() / 2;
    for (ClientState c : clients.values()) {
      long idle = now - c.lastSeenNanos();
      if (idle >= timeout) {
        closeClient(c, Gateway.CLOSE_HEARTBEAT_TIMEOUT, "Heartbeat timeout");
      } else if (idle >= pingAfter && !c.closed.get()) {
        c.channel.sendPing(EMPTY.duplicate());
      }
    }
  }

  /** Closes every client with 1001, fails pending agent requests and stops the timer thread. */
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (heartbeat != null) {
      heartbeat.cancel(false);
    }
    for (ClientState c : List.copyOf(clients.values())) {
      closeClient(c, CloseCodes.GOING_AWAY, Gateway.SHUTDOWN_REASON);
    }
    agents.failAll();
    scheduler.shutdownNow();
  }

  // ---- shared with the internals ----

  /** Fails {@code future} with a {@link TimeoutException} after {@code timeout}, on the gateway's timer. */
  <T> CompletableFuture<T> withTimeout(CompletableFuture<T> future, Duration timeout) {
    ScheduledFuture<?> timer = scheduler.schedule(timeout, () -> future.completeExceptionally(
        new TimeoutException("no answer within " + timeout.toMillis() + " ms")));
    future.whenComplete((r, e) -> timer.cancel(false));
    return future;
  }

  long now() {
    return settings.ticker().getAsLong();
  }

  Duration uptime() {
    return Duration.ofNanos(Math.max(0, now() - startedAt));
  }

  Gateway owner() {
    return owner;
  }

  Counters counters() {
    return counters;
  }

  Sessions sessionTable() {
    return sessions;
  }

  Scheduler scheduler() {
    return scheduler;
  }

  Map<String, ClientState> clientTable() {
    return clients;
  }

  int clientCount() {
    return clients.size();
  }
}
