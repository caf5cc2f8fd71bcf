package io.wsproxy.javawebsocket;

import io.wsproxy.conformance.ChildServer;
import io.wsproxy.conformance.DescriptorExhaustionConformanceKit;

/** Descriptor exhaustion and recovery of the {@link JavaWebSocketEndpointServer}, in a child JVM. */
class JavaWebSocketServerDescriptorExhaustionTest extends DescriptorExhaustionConformanceKit {

  @Override
  protected Class<? extends ChildServer> childServer() {
    return JavaWebSocketChildServer.class;
  }
}
