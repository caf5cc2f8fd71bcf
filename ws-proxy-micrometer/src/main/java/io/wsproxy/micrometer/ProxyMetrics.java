package io.wsproxy.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.wsproxy.ConnectionInfo;
import io.wsproxy.ConnectionSummary;
import io.wsproxy.Direction;
import io.wsproxy.HandshakeRequest;
import io.wsproxy.ProxyListener;
import io.wsproxy.Rejection;
import io.wsproxy.micrometer.internal.CloseCounters;
import io.wsproxy.micrometer.internal.Refusals;
import io.wsproxy.micrometer.internal.TagValues;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Micrometer metrics of a {@link io.wsproxy.WebSocketProxy}: hand it to the proxy's builder as its
 * listener.
 *
 * <pre>{@code
 * WebSocketProxy proxy = WebSocketProxy.builder()
 *     .route("/echo", "ws://127.0.0.1:9001")
 *     .listener(ProxyMetrics.create(meterRegistry))
 *     .build();
 * }</pre>
 *
 * <p>Meters (Prometheus names in brackets):
 * <ul>
 *   <li>{@code wsproxy.connections.active} gauge [{@code wsproxy_connections_active}]: clients
 *       holding a connection now (being dialled for, or served);</li>
 *   <li>{@code wsproxy.connections} counter, {@code outcome} = {@code served} (the client was
 *       answered and relayed), {@code upstream_failed} (its dial failed), {@code abandoned} (it left
 *       while its upstream was being dialled) [{@code wsproxy_connections_total}];</li>
 *   <li>{@code wsproxy.connection.duration} timer of served connections;</li>
 *   <li>{@code wsproxy.handshake.refused} counter, {@code endpoint=proxy}, {@code reason} (from the
 *       status: {@code forbidden}, {@code unauthorized}, {@code not_found}, ...) and {@code status};</li>
 *   <li>{@code wsproxy.upstream.connect} timer, {@code outcome} = {@code success}, {@code unreachable},
 *       {@code timeout}, {@code refused}, {@code invalid_handshake} or {@code error} (a failure's time
 *       is the connection's, dial to release);</li>
 *   <li>{@code wsproxy.messages} and {@code wsproxy.bytes} counters, {@code direction} =
 *       {@code to_upstream} or {@code to_client};</li>
 *   <li>{@code wsproxy.closes} counter of served connections, {@code side} = {@code client} or
 *       {@code upstream}, {@code code} = the close code for 1000–1015, else {@code 3xxx},
 *       {@code 4xxx} or {@code other};</li>
 *   <li>{@code wsproxy.queue.high.water} summary of the bytes queued toward a side that stopped
 *       reading when it passed the limit, {@code direction}.</li>
 * </ul>
 * Tags take values from small fixed sets only: never a path, session id, principal or address.
 *
 * <p><b>Cost.</b> A relayed message costs two counter increments on meters resolved up front: no
 * lookup and no allocation.
 *
 * <p><b>Threading.</b> Thread-safe; every event may arrive on any transport thread.
 */
public final class ProxyMetrics implements ProxyListener {

  /** {@code outcome} values of {@code wsproxy.connections}. */
  public static final String SERVED = "served";
  public static final String UPSTREAM_FAILED = "upstream_failed";
  public static final String ABANDONED = "abandoned";

  /**
   * At most this many failed dials wait for their connection's end at once; beyond it (a listener
   * event lost to a race or a proxy that never reports the end) the oldest facts are dropped rather
   * than held forever.
   */
  private static final int MAX_PENDING_FAILURES = 10_000;

  private final MeterRegistry registry;
  private final Tags tags;
  private final AtomicLong active = new AtomicLong();
  private final Counter served;
  private final Counter upstreamFailed;
  private final Counter abandoned;
  private final Timer duration;
  private final Timer connectSuccess;
  private final Counter messagesToUpstream;
  private final Counter messagesToClient;
  private final Counter bytesToUpstream;
  private final Counter bytesToClient;
  private final DistributionSummary highWaterToUpstream;
  private final DistributionSummary highWaterToClient;
  private final Refusals refusals;
  private final CloseCounters clientCloses;
  private final CloseCounters upstreamCloses;
  /** Connection id → dial failure outcome, from upstreamFailed until connectionClosed. */
  private final ConcurrentMap<Long, String> failures = new ConcurrentHashMap<>();

  private ProxyMetrics(MeterRegistry registry, Tags tags) {
    this.registry = registry;
    this.tags = tags;
    Gauge.builder("wsproxy.connections.active", active, AtomicLong::get)
        .description("Proxied clients being dialled for or served").tags(tags).strongReference(true)
        .register(registry);
    served = connections(SERVED);
    upstreamFailed = connections(UPSTREAM_FAILED);
    abandoned = connections(ABANDONED);
    duration = Timer.builder("wsproxy.connection.duration")
        .description("How long served connections lasted").tags(tags).register(registry);
    connectSuccess = connectTimer(TagValues.SUCCESS);
    messagesToUpstream = messages("to_upstream");
    messagesToClient = messages("to_client");
    bytesToUpstream = bytes("to_upstream");
    bytesToClient = bytes("to_client");
    highWaterToUpstream = highWater("to_upstream");
    highWaterToClient = highWater("to_client");
    refusals = new Refusals(registry, tags, "proxy");
    String closes = "Closes of served connections by side and close code";
    clientCloses = new CloseCounters(registry, "wsproxy.closes", closes, tags.and("side", "client"));
    upstreamCloses = new CloseCounters(registry, "wsproxy.closes", closes,
        tags.and("side", "upstream"));
  }

  /**
   * A binding registering its meters in {@code registry}. Bind one proxy per registry, or give each
   * its own common tags: two bindings with equal tags would share one active-connections gauge.
   */
  public static ProxyMetrics create(MeterRegistry registry) {
    return create(registry, Tags.empty());
  }

  /**
   * A binding registering its meters in {@code registry} with {@code commonTags} added to each (to
   * tell several proxies in one registry apart; keep their values few).
   */
  public static ProxyMetrics create(MeterRegistry registry, Iterable<Tag> commonTags) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(commonTags, "commonTags");
    return new ProxyMetrics(registry, Tags.of(commonTags));
  }

  @Override
  public void handshakeRejected(HandshakeRequest request, Rejection rejection) {
    refusals.count(rejection);
  }

  @Override
  public void connectionOpened(ConnectionInfo connection) {
    active.incrementAndGet();
  }

  @Override
  public void upstreamConnected(ConnectionInfo connection, Duration latency) {
    connectSuccess.record(latency);
  }

  @Override
  public void upstreamFailed(ConnectionInfo connection, Throwable cause) {
    if (failures.size() >= MAX_PENDING_FAILURES) {
      failures.clear();
    }
    failures.put(connection.id(), TagValues.dialFailure(cause));
  }

  @Override
  public void messageRelayed(ConnectionInfo connection, Direction direction, int bytes) {
    if (direction == Direction.CLIENT_TO_UPSTREAM) {
      messagesToUpstream.increment();
      bytesToUpstream.increment(bytes);
    } else {
      messagesToClient.increment();
      bytesToClient.increment(bytes);
    }
  }

  @Override
  public void queueHighWater(ConnectionInfo connection, Direction direction, long queuedBytes) {
    (direction == Direction.CLIENT_TO_UPSTREAM ? highWaterToUpstream : highWaterToClient)
        .record(queuedBytes);
  }

  @Override
  public void connectionClosed(ConnectionInfo connection, ConnectionSummary summary) {
    active.decrementAndGet(); // every opened connection is closed once, served or not
    if (summary.opened()) {
      clientCloses.count(summary.clientCode());
    }
    String failure = failures.remove(connection.id());
    if (failure != null) {
      upstreamFailed.increment();
      connectTimer(failure).record(summary.duration());
      return;
    }
    if (!summary.opened()) {
      abandoned.increment();
      return;
    }
    served.increment();
    duration.record(summary.duration());
    upstreamCloses.count(summary.upstreamCode());
  }

  private Counter connections(String outcome) {
    return Counter.builder("wsproxy.connections")
        .description("Proxied connections by how they ended").tags(tags).tag("outcome", outcome)
        .register(registry);
  }

  private Timer connectTimer(String outcome) {
    return Timer.builder("wsproxy.upstream.connect")
        .description("Upstream dials: the upgrade's latency, or until release for a failure")
        .tags(tags).tag("outcome", outcome).register(registry);
  }

  private Counter messages(String direction) {
    return Counter.builder("wsproxy.messages").description("WebSocket messages relayed")
        .tags(tags).tag("direction", direction).register(registry);
  }

  private Counter bytes(String direction) {
    return Counter.builder("wsproxy.bytes").description("Message payload bytes relayed")
        .baseUnit("bytes").tags(tags).tag("direction", direction).register(registry);
  }

  private DistributionSummary highWater(String direction) {
    return DistributionSummary.builder("wsproxy.queue.high.water")
        .description("Bytes queued toward a side that stopped reading, when over the limit")
        .baseUnit("bytes").tags(tags).tag("direction", direction).register(registry);
  }
}
