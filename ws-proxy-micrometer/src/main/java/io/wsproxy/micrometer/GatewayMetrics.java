package io.wsproxy.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.wsproxy.HandshakeRequest;
import io.wsproxy.Rejection;
import io.wsproxy.gateway.AgentInfo;
import io.wsproxy.gateway.ClientInfo;
import io.wsproxy.gateway.GatewayListener;
import io.wsproxy.gateway.SessionInfo;
import io.wsproxy.micrometer.internal.CloseCounters;
import io.wsproxy.micrometer.internal.Refusals;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Micrometer metrics of a {@link io.wsproxy.gateway.Gateway}: hand it to the gateway's builder as
 * its listener ({@code Gateway.builder().listener(GatewayMetrics.create(registry))}).
 *
 * <p>Meters: gauges {@code wsproxy.gateway.clients} (connected clients),
 * {@code wsproxy.gateway.sessions} (live sessions) and {@code wsproxy.gateway.agents} (agents
 * online); counters {@code wsproxy.gateway.authentications}, {@code wsproxy.gateway.disconnects}
 * tagged {@code code} (as in {@link ProxyMetrics}' {@code wsproxy.closes}), and
 * {@code wsproxy.handshake.refused} with {@code endpoint=gateway}. No tag carries a client, session
 * or agent id.
 *
 * <p><b>Threading.</b> Thread-safe.
 */
public final class GatewayMetrics implements GatewayListener {

  private final AtomicLong clients = new AtomicLong();
  private final AtomicLong sessions = new AtomicLong();
  /** Ids of the agents online; the gauge is its size. Bounded by the gateway's registrations. */
  private final Set<String> agentsOnline = ConcurrentHashMap.newKeySet();
  private final Counter authentications;
  private final CloseCounters disconnects;
  private final Refusals refusals;
  private final MeterRegistry registry;
  private final Tags tags;
  /** One timer per method and outcome; methods are the gateway's registered names (bounded). */
  private final ConcurrentHashMap<String, Timer> calls = new ConcurrentHashMap<>();

  private GatewayMetrics(MeterRegistry registry, Tags tags) {
    this.registry = registry;
    this.tags = tags;
    Gauge.builder("wsproxy.gateway.clients", clients, AtomicLong::get)
        .description("Connected gateway clients").tags(tags).strongReference(true)
        .register(registry);
    Gauge.builder("wsproxy.gateway.sessions", sessions, AtomicLong::get)
        .description("Live gateway sessions").tags(tags).strongReference(true).register(registry);
    Gauge.builder("wsproxy.gateway.agents", agentsOnline, Set::size)
        .description("Registered agents whose connection is open").tags(tags)
        .strongReference(true).register(registry);
    authentications = Counter.builder("wsproxy.gateway.authentications")
        .description("Gateway clients that became authenticated").tags(tags).register(registry);
    disconnects = new CloseCounters(registry, "wsproxy.gateway.disconnects",
        "Gateway clients gone, by close code", tags);
    refusals = new Refusals(registry, tags, "gateway");
  }

  /**
   * A binding registering its meters in {@code registry}; one gateway per registry, or distinct
   * common tags for each (the gauges of equal ids would be shared).
   */
  public static GatewayMetrics create(MeterRegistry registry) {
    return create(registry, Tags.empty());
  }

  /** A binding registering its meters in {@code registry} with {@code commonTags} on each. */
  public static GatewayMetrics create(MeterRegistry registry, Iterable<Tag> commonTags) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(commonTags, "commonTags");
    return new GatewayMetrics(registry, Tags.of(commonTags));
  }

  @Override
  public void handshakeRejected(HandshakeRequest request, Rejection rejection) {
    refusals.count(rejection);
  }

  @Override
  public void clientConnected(ClientInfo client) {
    clients.incrementAndGet();
  }

  @Override
  public void clientAuthenticated(ClientInfo client) {
    authentications.increment();
  }

  @Override
  public void clientDisconnected(ClientInfo client, int code, String reason) {
    clients.decrementAndGet();
    disconnects.count(code);
  }

  @Override
  public void sessionCreated(SessionInfo session) {
    sessions.incrementAndGet();
  }

  @Override
  public void sessionRemoved(String sessionId) {
    sessions.decrementAndGet();
  }

  /**
   * {@code wsproxy.gateway.calls}: a timer per {@code method} (registered names only; an
   * unregistered one is {@code (unknown)}) and {@code outcome} (ok, error, cancelled, internal_error,
   * refused).
   */
  @Override
  public void callCompleted(String method, String outcome, int errorCode, Duration duration) {
    calls.computeIfAbsent(method + '\0' + outcome, k -> Timer.builder("wsproxy.gateway.calls")
        .description("Gateway calls answered, by method and outcome").tags(tags)
        .tag("method", method).tag("outcome", outcome).register(registry))
        .record(duration);
  }

  @Override
  public void agentChanged(AgentInfo agent) {
    if (agent.online()) {
      agentsOnline.add(agent.id());
    } else {
      agentsOnline.remove(agent.id());
    }
  }
}
