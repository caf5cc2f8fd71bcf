package io.wsproxy.javawebsocket;

import io.wsproxy.UpstreamConnector;
import io.wsproxy.jdk.JdkUpstreamConnector;

/** The conformance kit for the Java-WebSocket {@link ProxyServer} with the JDK upstream connector. */
class JavaWebSocketServerWithJdkUpstreamConformanceTest extends JavaWebSocketServerConformanceKit {

  @Override
  protected UpstreamConnector newUpstreamConnector() {
    return new JdkUpstreamConnector();
  }
}
