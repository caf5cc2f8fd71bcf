package io.wsproxy.netty;

import io.wsproxy.spi.UpstreamConnector;

/**
 * The conformance kit for the {@link NettyEndpointServer} with the {@link NettyUpstreamConnector}: each
 * upstream is dialled from its client's event loop.
 */
class NettyServerWithNettyUpstreamConformanceTest extends NettyServerConformanceKit {

  @Override
  protected UpstreamConnector newUpstreamConnector() {
    return new NettyUpstreamConnector();
  }

  @Override
  protected boolean upstreamPausesReading() {
    return true; // auto-read off while the client's outbound buffer is over its high-water mark
  }
}
