package io.wsproxy.javawebsocket;

import io.wsproxy.spi.UpstreamConnector;

/** The conformance kit for the Java-WebSocket {@link JavaWebSocketEndpointServer} with the Java-WebSocket upstream connector. */
class JavaWebSocketServerWithJavaWebSocketUpstreamConformanceTest
    extends JavaWebSocketServerConformanceKit {

  @Override
  protected UpstreamConnector newUpstreamConnector() {
    return new JavaWebSocketUpstreamConnector();
  }
}
