package io.wsproxy.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wsproxy.Principal;
import io.wsproxy.Rejection;
import io.wsproxy.HandshakeRequest;
import io.wsproxy.gateway.AgentInfo;
import io.wsproxy.gateway.ClientInfo;
import io.wsproxy.gateway.SessionInfo;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link GatewayMetrics} driven with listener events directly. */
class GatewayMetricsTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final GatewayMetrics metrics = GatewayMetrics.create(registry);

  private static ClientInfo client(String id) {
    return new ClientInfo(id, true, Principal.of("bob"), "198.51.100.1", Set.of(), Instant.now(),
        Instant.now(), Map.of());
  }

  private static AgentInfo agent(String id, boolean online) {
    return new AgentInfo(id, "llm", Set.of("chat"), "c1", online, Instant.now());
  }

  private double gauge(String name) {
    return registry.get(name).gauge().value();
  }

  @Test
  void clientsSessionsAndAgentsAreGaugedWhileTheyLast() {
    metrics.clientConnected(client("c1"));
    metrics.clientConnected(client("c2"));
    metrics.clientAuthenticated(client("c1"));
    metrics.sessionCreated(new SessionInfo("room", Set.of("c1"), Instant.now(), Map.of()));
    metrics.agentChanged(agent("a1", true));
    metrics.agentChanged(agent("a1", true)); // re-registration of the same agent
    assertEquals(2.0, gauge("wsproxy.gateway.clients"));
    assertEquals(1.0, gauge("wsproxy.gateway.sessions"));
    assertEquals(1.0, gauge("wsproxy.gateway.agents"));

    metrics.agentChanged(agent("a1", false));
    metrics.sessionRemoved("room");
    metrics.clientDisconnected(client("c1"), 1000, "");
    metrics.clientDisconnected(client("c2"), 4401, "Unauthorized");

    assertEquals(0.0, gauge("wsproxy.gateway.clients"));
    assertEquals(0.0, gauge("wsproxy.gateway.sessions"));
    assertEquals(0.0, gauge("wsproxy.gateway.agents"));
    assertEquals(1.0, registry.get("wsproxy.gateway.authentications").counter().count());
    assertEquals(1.0, registry.get("wsproxy.gateway.disconnects").tag("code", "1000").counter()
        .count());
    assertEquals(1.0, registry.get("wsproxy.gateway.disconnects").tag("code", "4xxx").counter()
        .count());
  }

  @Test
  void refusalsShareTheProxyCounterNameWithEndpointGateway() {
    ProxyMetrics.create(registry); // both bound to one registry: same name, same tag keys
    metrics.handshakeRejected(HandshakeRequest.builder().target("/")
        .remoteAddress(new InetSocketAddress("127.0.0.1", 1)).build(),
        Rejection.tooManyRequests("Too many connections"));
    assertEquals(1.0, registry.get("wsproxy.handshake.refused").tags("endpoint", "gateway",
        "reason", "too_many_requests", "status", "429").counter().count());
  }
}
