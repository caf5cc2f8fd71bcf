package io.wsproxy.netty;

import io.wsproxy.javawebsocket.JavaWebSocketUpstreamConnector;
import io.wsproxy.spi.UpstreamConnector;

/**
 * The conformance kit for the {@link NettyEndpointServer} with the Java-WebSocket upstream connector
 * (which cannot pause reading, so a client that stops reading is closed once its queue is full).
 */
class NettyServerWithJavaWebSocketUpstreamConformanceTest extends NettyServerConformanceKit {

  @Override
  protected UpstreamConnector newUpstreamConnector() {
    return new JavaWebSocketUpstreamConnector();
  }
}
