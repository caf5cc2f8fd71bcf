package io.wsproxy.netty;

import io.wsproxy.jdk.JdkUpstreamConnector;
import io.wsproxy.spi.UpstreamConnector;
import java.time.Duration;

/** The conformance kit for the {@link NettyEndpointServer} with the JDK upstream connector. */
class NettyServerWithJdkUpstreamConformanceTest extends NettyServerConformanceKit {

  @Override
  protected UpstreamConnector newUpstreamConnector() {
    // JDK 17's WebSocket sometimes never reports an upstream's FIN; the connector's liveness probe
    // finds such a connection after two intervals. The kit's "promptly" is 5 s: probe every second.
    return JdkUpstreamConnector.builder().probeInterval(Duration.ofSeconds(1)).build();
  }

  @Override
  protected boolean upstreamPausesReading() {
    return true; // demand-driven: the bridge stops calling request(n)
  }

  @Override
  protected boolean abortsUpgradesInFlight() {
    return false; // java.net.http cannot abort an upgrade in flight: it ends at the connect timeout
  }
}
