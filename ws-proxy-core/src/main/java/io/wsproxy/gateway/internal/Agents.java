package io.wsproxy.gateway.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.wsproxy.gateway.AgentInfo;
import io.wsproxy.gateway.AgentRegistry;
import io.wsproxy.gateway.ErrorCodes;
import io.wsproxy.gateway.GatewayException;
import io.wsproxy.gateway.GatewayListener;
import io.wsproxy.internal.Scheduler;
import io.wsproxy.spi.Text;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The agent registry and the requests routed to agents. Registrations are guarded by one lock
 * (never held while calling out); pending requests live in a concurrent map, each removed exactly
 * once: by the agent's answer, its timeout, or the agent or requester going away.
 */
final class Agents implements AgentRegistry {

  /** Longest agent type and capability name, in characters. */
  static final int MAX_NAME_CHARS = 128;
  /** Most capabilities per agent. */
  static final int MAX_CAPABILITIES = 64;
  /** The event an agent receives for a routed request. */
  static final String REQUEST_EVENT = "agent.request";

  /** How routed requests and broadcasts reach agents' connections. */
  interface Sender {
    /** Sends an event to a client; {@code false} if it is gone. */
    boolean sendEvent(String clientId, String event, JsonElement data);

    /** An event serialised and encoded once, to send the same bytes to many clients. */
    Text encode(String event, JsonElement data);

    /** Sends an encoded event to a client; {@code false} if it is gone (or dropped as slow). */
    boolean send(String clientId, Text text);
  }

  private static final class Pending {
    final String agentClientId;
    final String requesterClientId;
    final CompletableFuture<JsonElement> future = new CompletableFuture<>();
    volatile ScheduledFuture<?> timer;

    Pending(String agentClientId, String requesterClientId) {
      this.agentClientId = agentClientId;
      this.requesterClientId = requesterClientId;
    }
  }

  private final Object lock = new Object();
  private final Map<String, AgentInfo> byId = new LinkedHashMap<>(); // guarded by lock; oldest first
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final AtomicLong requestIds = new AtomicLong();
  private final AtomicInteger roundRobin = new AtomicInteger();
  private final Scheduler scheduler;
  private final Sender sender;
  private final GatewayListener listener;
  private final int maxAgents;
  private final Duration maxTimeout;
  private final com.google.gson.Gson gson;

  Agents(Scheduler scheduler, Sender sender, GatewayListener listener, int maxAgents,
      Duration maxTimeout, com.google.gson.Gson gson) {
    this.scheduler = scheduler;
    this.sender = sender;
    this.listener = listener;
    this.maxAgents = maxAgents;
    this.maxTimeout = maxTimeout;
    this.gson = gson;
  }

  /** Registers (or re-registers) an agent for {@code client}; a {@link GatewayException} if refused. */
  AgentInfo register(ClientState client, String agentId, String type, Set<String> capabilities) {
    Rooms.requireValidId(agentId, "agentId");
    requireName(type, "type");
    if (capabilities.size() > MAX_CAPABILITIES) {
      throw new GatewayException(ErrorCodes.INVALID_PARAMS,
          "at most " + MAX_CAPABILITIES + " capabilities");
    }
    capabilities.forEach(c -> requireName(c, "capabilities"));
    AgentInfo info = new AgentInfo(agentId, type, capabilities, client.id, true, Instant.now());
    synchronized (lock) {
      if (client.closed.get()) {
        throw new GatewayException(ErrorCodes.UNAVAILABLE, "Client is closing");
      }
      AgentInfo existing = byId.get(agentId);
      if (existing != null && existing.online() && !existing.clientId().equals(client.id)) {
        throw new GatewayException(ErrorCodes.CONFLICT, "Agent id is in use by another client");
      }
      if (existing == null && byId.size() >= maxAgents && !evictOldestOffline()) {
        throw new GatewayException(ErrorCodes.UNAVAILABLE, "Too many agents");
      }
      byId.remove(agentId); // re-insert as the newest
      byId.put(agentId, info);
    }
    listener.agentChanged(info);
    return info;
  }

  private boolean evictOldestOffline() {
    for (Iterator<AgentInfo> it = byId.values().iterator(); it.hasNext(); ) {
      if (!it.next().online()) {
        it.remove();
        return true;
      }
    }
    return false;
  }

  /** The client's connection is gone: its agents go offline, requests to or from it end. */
  void clientGone(String clientId) {
    List<AgentInfo> changed = new ArrayList<>();
    synchronized (lock) {
      for (Map.Entry<String, AgentInfo> e : byId.entrySet()) {
        AgentInfo a = e.getValue();
        if (a.online() && a.clientId().equals(clientId)) {
          AgentInfo offline = new AgentInfo(a.id(), a.type(), a.capabilities(), a.clientId(), false,
              a.registeredAt(), a.status());
          e.setValue(offline);
          changed.add(offline);
        }
      }
    }
    pending.forEach((requestId, p) -> {
      if (p.agentClientId.equals(clientId)) {
        fail(requestId, p, ErrorCodes.UNAVAILABLE, "Agent went offline before answering");
      } else if (clientId.equals(p.requesterClientId)) {
        fail(requestId, p, ErrorCodes.UNAVAILABLE, "Requester left");
      }
    });
    changed.forEach(listener::agentChanged);
  }

  @Override
  public boolean unregister(String agentId) {
    Objects.requireNonNull(agentId, "agentId");
    AgentInfo removed;
    synchronized (lock) {
      removed = byId.remove(agentId);
    }
    if (removed == null) {
      return false;
    }
    failRequestsTo(removed);
    listener.agentChanged(new AgentInfo(removed.id(), removed.type(), removed.capabilities(),
        removed.clientId(), false, removed.registeredAt(), removed.status()));
    return true;
  }

  /** Unregisters an agent for the client that registered it; a {@link GatewayException} otherwise. */
  void unregister(String clientId, String agentId) {
    requireOwned(clientId, agentId);
    unregister(agentId);
  }

  private void failRequestsTo(AgentInfo agent) {
    boolean stillOnline;
    synchronized (lock) {
      stillOnline = byId.values().stream()
          .anyMatch(a -> a.online() && a.clientId().equals(agent.clientId()));
    }
    if (!stillOnline) { // its connection serves no other agent id: nothing will answer
      pending.forEach((requestId, p) -> {
        if (p.agentClientId.equals(agent.clientId())) {
          fail(requestId, p, ErrorCodes.UNAVAILABLE, "Agent unregistered before answering");
        }
      });
    }
  }

  @Override
  public boolean setStatus(String agentId, String status) {
    Objects.requireNonNull(agentId, "agentId");
    if (status == null || status.isEmpty() || status.length() > 64) {
      throw new IllegalArgumentException("status must have 1 to 64 characters: " + status);
    }
    AgentInfo changed;
    synchronized (lock) {
      AgentInfo a = byId.get(agentId);
      if (a == null) {
        return false;
      }
      changed = a.withStatus(status);
      byId.put(agentId, changed);
    }
    listener.agentChanged(changed);
    return true;
  }

  /** Sets the status for the client that registered the agent; a {@link GatewayException} otherwise. */
  AgentInfo setStatus(String clientId, String agentId, String status) {
    requireOwned(clientId, agentId);
    try {
      setStatus(agentId, status);
    } catch (IllegalArgumentException e) {
      throw new GatewayException(ErrorCodes.INVALID_PARAMS, e.getMessage());
    }
    return get(agentId).orElseThrow(() -> new GatewayException(ErrorCodes.INVALID_PARAMS,
        "No such agent"));
  }

  private void requireOwned(String clientId, String agentId) {
    AgentInfo a = agentId == null ? null : get(agentId).orElse(null);
    if (a == null) {
      throw new GatewayException(ErrorCodes.INVALID_PARAMS, "No such agent");
    }
    if (!a.clientId().equals(clientId)) {
      throw new GatewayException(ErrorCodes.FORBIDDEN, "The agent belongs to another client");
    }
  }

  @Override
  public int broadcast(String event, Object data, Predicate<AgentInfo> filter) {
    Objects.requireNonNull(filter, "filter");
    JsonElement json = data instanceof JsonElement e ? e : gson.toJsonTree(data);
    Set<String> connections = new java.util.LinkedHashSet<>();
    for (AgentInfo a : matching(AgentInfo::online)) {
      if (filter.test(a)) {
        connections.add(a.clientId());
      }
    }
    if (connections.isEmpty()) {
      return 0;
    }
    Text text = sender.encode(event, json); // once for every agent
    int sent = 0;
    for (String clientId : connections) {
      if (sender.send(clientId, text)) {
        sent++;
      }
    }
    return sent;
  }

  @Override
  public List<AgentInfo> list() {
    return matching(a -> true);
  }

  @Override
  public Optional<AgentInfo> get(String agentId) {
    synchronized (lock) {
      return Optional.ofNullable(byId.get(agentId));
    }
  }

  @Override
  public List<AgentInfo> findByCapability(String capability) {
    Objects.requireNonNull(capability, "capability");
    return matching(a -> a.capabilities().contains(capability));
  }

  @Override
  public List<AgentInfo> findByType(String type) {
    Objects.requireNonNull(type, "type");
    return matching(a -> a.type().equals(type));
  }

  int onlineCount() {
    return matching(AgentInfo::online).size();
  }

  private List<AgentInfo> matching(Predicate<AgentInfo> filter) {
    List<AgentInfo> out = new ArrayList<>();
    synchronized (lock) {
      for (AgentInfo a : byId.values()) {
        if (filter.test(a)) {
          out.add(a);
        }
      }
    }
    out.sort(Comparator.comparing(AgentInfo::id));
    return out;
  }

  @Override
  public CompletionStage<JsonElement> request(String capability, String method, Object params,
      Duration timeout) {
    Objects.requireNonNull(capability, "capability");
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(maxTimeout) > 0) {
      throw new IllegalArgumentException("timeout must be positive and at most " + maxTimeout
          + ": " + timeout);
    }
    JsonElement json = params == null ? null : gson.toJsonTree(params);
    return route(capability, method, json, timeout, null).copy();
  }

  /** Routes a request; the future fails with a {@link GatewayException} when it cannot be answered. */
  CompletableFuture<JsonElement> route(String capability, String method, JsonElement params,
      Duration timeout, String requesterClientId) {
    List<AgentInfo> candidates = matching(a -> a.routable() && a.capabilities().contains(capability));
    if (candidates.isEmpty()) {
      return CompletableFuture.failedFuture(new GatewayException(ErrorCodes.UNAVAILABLE,
          "No online agent has the capability " + capability));
    }
    AgentInfo agent = candidates.get(Math.floorMod(roundRobin.getAndIncrement(), candidates.size()));
    String requestId = "r-" + requestIds.incrementAndGet();
    Pending p = new Pending(agent.clientId(), requesterClientId);
    pending.put(requestId, p);
    p.future.whenComplete((r, e) -> {
      ScheduledFuture<?> t = p.timer;
      if (t != null) {
        t.cancel(false);
      }
    });
    p.timer = scheduler.schedule(timeout, () -> fail(requestId, p, ErrorCodes.TIMEOUT,
        "Agent " + agent.id() + " did not answer within " + timeout.toMillis() + " ms"));
    JsonObject event = new JsonObject();
    event.addProperty("requestId", requestId);
    event.addProperty("capability", capability);
    event.addProperty("method", method);
    event.add("params", params);
    event.addProperty("from", requesterClientId);
    if (!sender.sendEvent(agent.clientId(), REQUEST_EVENT, event)) {
      fail(requestId, p, ErrorCodes.UNAVAILABLE, "Agent went offline before answering");
    }
    return p.future;
  }

  /**
   * An agent's answer to {@code requestId}: completes the request with {@code result}, or with
   * {@code error} when that is not {@code null}.
   */
  void respond(String agentClientId, String requestId, JsonElement result, GatewayException error) {
    Pending p = requestId == null ? null : pending.get(requestId);
    if (p == null || !p.agentClientId.equals(agentClientId) || !pending.remove(requestId, p)) {
      throw new GatewayException(ErrorCodes.INVALID_PARAMS, "Unknown or expired requestId");
    }
    if (error != null) {
      p.future.completeExceptionally(error);
    } else {
      p.future.complete(result);
    }
  }

  /** Ends every pending request (the gateway is closing). */
  void failAll() {
    pending.forEach((id, p) -> fail(id, p, ErrorCodes.UNAVAILABLE, "Gateway shutting down"));
  }

  private void fail(String requestId, Pending p, int code, String message) {
    if (pending.remove(requestId, p)) {
      p.future.completeExceptionally(new GatewayException(code, message));
    }
  }

  private static void requireName(String name, String field) {
    if (name == null || name.isEmpty() || name.length() > MAX_NAME_CHARS) {
      throw new GatewayException(ErrorCodes.INVALID_PARAMS,
          field + " must be 1 to " + MAX_NAME_CHARS + " characters");
    }
  }
}
