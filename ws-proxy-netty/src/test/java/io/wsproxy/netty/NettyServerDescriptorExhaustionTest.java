package io.wsproxy.netty;

import io.wsproxy.conformance.ChildServer;
import io.wsproxy.conformance.DescriptorExhaustionConformanceKit;

/** Descriptor exhaustion and recovery of the {@link NettyEndpointServer}, in a child JVM. */
class NettyServerDescriptorExhaustionTest extends DescriptorExhaustionConformanceKit {

  @Override
  protected Class<? extends ChildServer> childServer() {
    return NettyChildServer.class;
  }
}
