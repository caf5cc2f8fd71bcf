package io.wsproxy.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wsproxy.ConnectionInfo;
import io.wsproxy.ConnectionSummary;
import io.wsproxy.Direction;
import io.wsproxy.HandshakeRequest;
import io.wsproxy.Principal;
import io.wsproxy.Rejection;
import io.wsproxy.spi.UpstreamConnectException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** {@link ProxyMetrics} driven with listener events directly. */
class ProxyMetricsTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ProxyMetrics metrics = ProxyMetrics.create(registry);

  private static ConnectionInfo connection(long id) {
    return new ConnectionInfo(id, "203.0.113.7", "/echo/secret-session-id",
        URI.create("ws://127.0.0.1:9/"), Principal.of("alice"), null);
  }

  private static ConnectionSummary served(int clientCode, int upstreamCode) {
    return new ConnectionSummary(true, null, clientCode, "", upstreamCode, "", "closed",
        Duration.ofMillis(20), 1, 2, 3, 4);
  }

  private static ConnectionSummary notOpened() {
    return new ConnectionSummary(false, null, 1006, "", 1006, "", "Bad Gateway",
        Duration.ofMillis(5), 0, 0, 0, 0);
  }

  private double count(String name, String... tags) {
    return registry.get(name).tags(tags).counter().count();
  }

  @Test
  void aServedConnectionIsActiveUntilItClosesThenCountedWithItsCloseCodes() {
    metrics.connectionOpened(connection(1));
    metrics.upstreamConnected(connection(1), Duration.ofMillis(3));
    assertEquals(1.0, registry.get("wsproxy.connections.active").gauge().value());

    metrics.connectionClosed(connection(1), served(1000, 4001));

    assertEquals(0.0, registry.get("wsproxy.connections.active").gauge().value());
    assertEquals(1.0, count("wsproxy.connections", "outcome", "served"));
    assertEquals(0.0, count("wsproxy.connections", "outcome", "upstream_failed"));
    assertEquals(1.0, count("wsproxy.closes", "side", "client", "code", "1000"));
    assertEquals(1.0, count("wsproxy.closes", "side", "upstream", "code", "4xxx"));
    assertEquals(1, registry.get("wsproxy.upstream.connect").tag("outcome", "success").timer()
        .count());
    assertEquals(1, registry.get("wsproxy.connection.duration").timer().count());
  }

  @Test
  void aFailedDialIsCountedByItsKindAndNotAsServed() {
    metrics.connectionOpened(connection(2));
    metrics.connectionOpened(connection(3));
    metrics.upstreamFailed(connection(2), UpstreamConnectException.unreachable(
        "connection refused", null));
    metrics.connectionClosed(connection(2), notOpened());
    metrics.upstreamFailed(connection(3), new java.util.concurrent.CompletionException(
        UpstreamConnectException.timedOut("slow")));
    metrics.connectionClosed(connection(3), notOpened());

    assertEquals(2.0, count("wsproxy.connections", "outcome", "upstream_failed"));
    assertEquals(0.0, count("wsproxy.connections", "outcome", "served"));
    assertEquals(1, registry.get("wsproxy.upstream.connect").tag("outcome", "unreachable")
        .timer().count());
    assertEquals(1, registry.get("wsproxy.upstream.connect").tag("outcome", "timeout")
        .timer().count());
    assertEquals(0.0, registry.get("wsproxy.connections.active").gauge().value());
    assertNull(registry.find("wsproxy.closes").counter(), "a refused client made no close");
  }

  @Test
  void aClientThatLeftWhileDiallingIsAbandoned() {
    metrics.connectionClosed(connection(4), notOpened());
    assertEquals(1.0, count("wsproxy.connections", "outcome", "abandoned"));
  }

  @Test
  void refusalsAreTaggedByReasonAndStatusOnly() {
    HandshakeRequest request = HandshakeRequest.builder().target("/echo?token=x")
        .remoteAddress(new InetSocketAddress("127.0.0.1", 1)).build();
    metrics.handshakeRejected(request, Rejection.forbidden("Origin not allowed"));
    metrics.handshakeRejected(request, Rejection.unauthorized("Invalid token"));
    metrics.handshakeRejected(request, Rejection.unauthorized("Malformed bearer token"));

    assertEquals(1.0, count("wsproxy.handshake.refused", "reason", "forbidden", "status", "403",
        "endpoint", "proxy"));
    assertEquals(2.0, count("wsproxy.handshake.refused", "reason", "unauthorized"));
  }

  @Test
  void messagesAndBytesAreCountedPerDirection() {
    metrics.messageRelayed(connection(5), Direction.CLIENT_TO_UPSTREAM, 10);
    metrics.messageRelayed(connection(5), Direction.CLIENT_TO_UPSTREAM, 5);
    metrics.messageRelayed(connection(5), Direction.UPSTREAM_TO_CLIENT, 7);

    assertEquals(2.0, count("wsproxy.messages", "direction", "to_upstream"));
    assertEquals(15.0, count("wsproxy.bytes", "direction", "to_upstream"));
    assertEquals(1.0, count("wsproxy.messages", "direction", "to_client"));
    assertEquals(7.0, count("wsproxy.bytes", "direction", "to_client"));
  }

  @Test
  void queueHighWaterRecordsTheQueuedBytes() {
    metrics.queueHighWater(connection(6), Direction.UPSTREAM_TO_CLIENT, 4096);
    var summary = registry.get("wsproxy.queue.high.water").tag("direction", "to_client").summary();
    assertEquals(1, summary.count());
    assertEquals(4096.0, summary.max());
  }

  @Test
  void noTagValueComesFromTheConnection() {
    metrics.handshakeRejected(HandshakeRequest.builder().target("/x")
        .remoteAddress(new InetSocketAddress("127.0.0.1", 1)).build(), Rejection.notFound("No"));
    metrics.connectionOpened(connection(7));
    metrics.messageRelayed(connection(7), Direction.CLIENT_TO_UPSTREAM, 1);
    metrics.connectionClosed(connection(7), served(1001, 1001));

    Set<String> values = registry.getMeters().stream().map(Meter::getId)
        .flatMap(id -> id.getTags().stream()).map(Tag::getValue).collect(Collectors.toSet());
    for (String leaked : List.of("203.0.113.7", "alice", "/echo/secret-session-id", "/x")) {
      assertTrue(values.stream().noneMatch(v -> v.contains(leaked)), leaked + " in " + values);
    }
  }

  @Test
  void countingAMessageAllocatesNothing() {
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    ConnectionInfo c = connection(8);
    for (int i = 0; i < 20_000; i++) { // warm up: the first increments may size the adders
      metrics.messageRelayed(c, Direction.CLIENT_TO_UPSTREAM, i);
      metrics.messageRelayed(c, Direction.UPSTREAM_TO_CLIENT, i);
    }
    long id = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(id);
    for (int i = 0; i < 100_000; i++) {
      metrics.messageRelayed(c, Direction.CLIENT_TO_UPSTREAM, i);
      metrics.messageRelayed(c, Direction.UPSTREAM_TO_CLIENT, i);
    }
    long allocated = threads.getThreadAllocatedBytes(id) - before;
    // 200 000 events: even one 16-byte object each would be 3.2 MB; allow the probe's own noise
    assertTrue(allocated < 64 * 1024, "allocated " + allocated + " bytes for 200000 messages");
  }
}
