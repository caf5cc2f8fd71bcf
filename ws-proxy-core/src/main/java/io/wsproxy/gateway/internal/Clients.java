package io.wsproxy.gateway.internal;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import io.wsproxy.CloseCodes;
import io.wsproxy.HandshakeDecision;
import io.wsproxy.gateway.ClientInfo;
import io.wsproxy.gateway.Gateway;
import io.wsproxy.internal.Closes;
import io.wsproxy.internal.ConnectionLimiter;
import io.wsproxy.internal.Scheduler;
import io.wsproxy.spi.Text;
import io.wsproxy.spi.WsChannel;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connected clients: the client table, what is sent to them, the auth deadline, the heartbeat,
 * and their removal. What else must forget a client (rooms, agents, calls in flight) registers a
 * removal hook instead of being reached from here.
 *
 * <p><b>Threading.</b> Thread-safe without locks: sends, closes and snapshots come from any thread;
 * removal hooks run on the thread that removed the client, exactly once per client.
 */
final class Clients {

  private static final Logger log = LoggerFactory.getLogger(Clients.class);
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

  private final Settings settings;
  private final Codec codec;
  private final Counters counters;
  private final SafeListener listener;
  private final Scheduler scheduler;
  private final Gson gson;
  private final Map<String, ClientState> byId = new ConcurrentHashMap<>();
  private final List<Consumer<ClientState>> removalHooks = new CopyOnWriteArrayList<>();

  Clients(Settings settings, Codec codec, Counters counters, SafeListener listener,
      Scheduler scheduler) {
    this.settings = settings;
    this.codec = codec;
    this.counters = counters;
    this.listener = listener;
    this.scheduler = scheduler;
    this.gson = settings.gson();
  }

  /** Runs {@code hook} for every client removed from now on, before the listener hears of it. */
  void onRemoved(Consumer<ClientState> hook) {
    removalHooks.add(hook);
  }

  /** Adds an accepted client and starts its auth deadline if it must authenticate. */
  ClientState add(WsChannel channel, HandshakeDecision.Accept accept,
      ConnectionLimiter.Permit permit) {
    boolean authenticated = settings.messageAuth() == null || !accept.principal().isAnonymous();
    long now = now();
    ClientState client = new ClientState(UUID.randomUUID().toString(), channel, accept, permit,
        authenticated, new TokenBucket(settings.ratePerSecond(), settings.rateBurst(), now), now);
    byId.put(client.id, client);
    if (!authenticated) {
      client.authDeadline = scheduler.schedule(settings.authTimeout(), () -> {
        if (!client.authenticated()) {
          close(client, Gateway.CLOSE_AUTH_TIMEOUT, "Authentication timeout");
        }
      });
    }
    ClientInfo info = client.info(now);
    listener.clientConnected(info);
    if (authenticated) {
      listener.clientAuthenticated(info);
    }
    return client;
  }

  /** Removes a client's state and closes it; idempotent. The state goes first, so whoever sees the close sees it gone. */
  void close(ClientState client, int code, String reason) {
    if (client.closed.compareAndSet(false, true)) {
      remove(client, code, reason);
      Closes.close(client.channel, code, reason);
    }
  }

  /** The transport reported the client's close. */
  void closedByPeer(ClientState client, int code, String reason) {
    if (client.closed.compareAndSet(false, true)) {
      remove(client, code, reason);
    }
  }

  private void remove(ClientState client, int code, String reason) {
    byId.remove(client.id, client);
    client.permit.release();
    ScheduledFuture<?> deadline = client.authDeadline;
    if (deadline != null) {
      deadline.cancel(false);
    }
    ClientInfo info = client.info(now());
    for (Consumer<ClientState> hook : removalHooks) {
      try {
        hook.accept(client);
      } catch (RuntimeException e) {
        log.warn("cleaning up after client {} failed", client.id, e);
      }
    }
    listener.clientDisconnected(info, code, reason == null ? "" : reason);
  }

  void authenticated(ClientState client) {
    listener.clientAuthenticated(client.info(now()));
  }

  // ---- sending ----

  /**
   * Sends one message to a client, unless the client's backlog (bytes queued toward it and not yet
   * written, as its transport counts them) is already past {@link Settings#maxQueuedBytesPerClient}:
   * then the client is dropped as a slow consumer instead, so its backlog stays within the bound
   * plus one message. Answers whether the message was queued.
   */
  boolean send(ClientState client, String text) {
    return send(client, Text.of(text));
  }

  /** {@link #send(ClientState, String)} of a message that may be shared (see {@link #shared}). */
  boolean send(ClientState client, Text text) {
    if (client.closed.get() || client.slow.get()) {
      return false;
    }
    // checked before the send, not after: a client that reads is never dropped for the size of
    // the one message it is being sent, however large
    if (client.channel.queuedBytes() > settings.maxQueuedBytesPerClient()) {
      if (client.slow.compareAndSet(false, true)) {
        log.debug("client {} does not read its messages ({} bytes queued); closing it",
            client.id, client.channel.queuedBytes());
        // closed from the timer thread: the close announces the client's leave to its rooms, a
        // broadcast of its own, which must not run nested inside the fan-out that found the
        // client slow (with many slow members the nesting would go as deep as their number)
        ScheduledFuture<?> drop = scheduler.schedule(Duration.ZERO,
            () -> close(client, Gateway.CLOSE_SLOW_CONSUMER, Gateway.SLOW_CONSUMER_REASON));
        if (drop.isCancelled()) { // the gateway is closing: no timer any more
          close(client, Gateway.CLOSE_SLOW_CONSUMER, Gateway.SLOW_CONSUMER_REASON);
        }
      }
      return false;
    }
    client.channel.sendText(text);
    counters.messageOut();
    return true;
  }

  /**
   * One message for many clients: encoded to UTF-8 here, once, so every transport that writes
   * bytes hands the same read-only bytes to each member (one copy of a broadcast in memory, not
   * one per member) and no two transport threads race to fill {@link Text}'s lazy caches.
   */
  static Text shared(String text) {
    Text t = Text.of(text);
    t.utf8();
    return t;
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

  /** Sends an event to one client by id; {@code false} if it is gone. */
  boolean sendTo(String clientId, String event, Object data) {
    Objects.requireNonNull(clientId, "clientId");
    ClientState c = byId.get(clientId);
    if (c == null || c.closed.get()) {
      return false;
    }
    return send(c, codec.event(requireEvent(event), null, toJson(data)));
  }

  /** How the agent registry reaches agents' connections. */
  Agents.Sender agentSender() {
    return new Agents.Sender() {
      @Override
      public boolean sendEvent(String clientId, String event, JsonElement data) {
        return sendTo(clientId, event, data);
      }

      @Override
      public Text encode(String event, JsonElement data) {
        return sharedEvent(event, null, data);
      }

      @Override
      public boolean send(String clientId, Text text) {
        ClientState c = byId.get(clientId);
        return c != null && Clients.this.send(c, text);
      }
    };
  }

  /** Sends an event to every open client {@code filter} accepts; answers how many. */
  int sendToAll(String event, Object data, Predicate<ClientInfo> filter) {
    Objects.requireNonNull(filter, "filter");
    Text text = shared(codec.event(requireEvent(event), null, toJson(data)));
    long now = now();
    int sent = 0;
    for (ClientState c : byId.values()) {
      if (!c.closed.get() && filter.test(c.info(now)) && send(c, text)) {
        sent++;
      }
    }
    return sent;
  }

  /** An event encoded once, to send the same to many clients. */
  Text sharedEvent(String event, String sessionId, Object data) {
    return shared(codec.event(requireEvent(event), sessionId, toJson(data)));
  }

  JsonElement toJson(Object data) {
    return data instanceof JsonElement e ? e : gson.toJsonTree(data);
  }

  static String requireEvent(String event) {
    Objects.requireNonNull(event, "event");
    if (event.isEmpty() || event.length() > Codec.MAX_METHOD_CHARS) {
      throw new IllegalArgumentException(
          "event must have 1 to " + Codec.MAX_METHOD_CHARS + " characters: " + event);
    }
    return event;
  }

  // ---- table ----

  ClientState get(String clientId) {
    return clientId == null ? null : byId.get(clientId);
  }

  Collection<ClientState> all() {
    return byId.values();
  }

  int size() {
    return byId.size();
  }

  List<ClientInfo> snapshots() {
    long now = now();
    List<ClientInfo> out = new ArrayList<>();
    byId.values().forEach(c -> out.add(c.info(now)));
    out.sort(Comparator.comparing(ClientInfo::connectedAt).thenComparing(ClientInfo::id));
    return out;
  }

  boolean kick(String clientId, int code, String reason) {
    Objects.requireNonNull(clientId, "clientId");
    if (!CloseCodes.isSendable(code)) {
      throw new IllegalArgumentException("code cannot be sent on the wire: " + code);
    }
    ClientState c = byId.get(clientId);
    if (c == null) {
      return false;
    }
    close(c, code, reason == null ? "" : reason);
    return true;
  }

  /** One heartbeat round: pings quiet clients and closes those silent past the client timeout. */
  void heartbeatTick() {
    long now = now();
    long timeout = settings.clientTimeout().toNanos();
    long pingAfter = settings.pingInterval().toNanos() / 2;
    for (ClientState c : byId.values()) {
      long idle = now - c.lastSeenNanos();
      if (idle >= timeout) {
        close(c, Gateway.CLOSE_HEARTBEAT_TIMEOUT, "Heartbeat timeout");
      } else if (idle >= pingAfter && !c.closed.get()) {
        c.channel.sendPing(EMPTY.duplicate());
      }
    }
  }

  /** Closes every client with 1001. */
  void closeAll() {
    for (ClientState c : List.copyOf(byId.values())) {
      close(c, CloseCodes.GOING_AWAY, Gateway.SHUTDOWN_REASON);
    }
  }

  long now() {
    return settings.ticker().getAsLong();
  }
}
