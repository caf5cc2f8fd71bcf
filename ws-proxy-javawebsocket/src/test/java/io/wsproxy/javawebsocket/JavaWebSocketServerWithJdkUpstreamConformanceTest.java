package io.wsproxy.javawebsocket;

import io.wsproxy.spi.UpstreamConnector;
import io.wsproxy.jdk.JdkUpstreamConnector;
import java.time.Duration;

/** The conformance kit for the Java-WebSocket {@link JavaWebSocketEndpointServer} with the JDK upstream connector. */
class JavaWebSocketServerWithJdkUpstreamConformanceTest extends JavaWebSocketServerConformanceKit {

  @Override
  protected UpstreamConnector newUpstreamConnector() {
    // JDK 17's WebSocket sometimes never reports an upstream's FIN (no onClose, no onError);
    // only the connector's liveness probe finds such a connection, after two probe intervals.
    // The kit asserts "promptly" (5 s), so it probes every second; the default is 10 s.
    return JdkUpstreamConnector.builder().probeInterval(Duration.ofSeconds(1)).build();
  }

  @Override
  protected boolean abortsUpgradesInFlight() {
    return false; // java.net.http cannot abort an opening handshake: it ends at the connect timeout
  }

  @Override
  protected boolean upstreamPausesReading() {
    return true; // demand-driven: the bridge stops calling request(n)
  }
}
