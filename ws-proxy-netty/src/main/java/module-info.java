/**
 * ws-proxy on Netty 4.2: {@link io.wsproxy.netty.WsProxyHandler} for a host's own pipeline,
 * {@link io.wsproxy.netty.NettyEndpointServer}, and {@link io.wsproxy.netty.NettyUpstreamConnector}.
 * Exports only its API package; the native epoll transport is used where it loads, else NIO.
 */
module io.wsproxy.netty {
  requires transitive io.wsproxy.core;
  requires transitive io.netty.transport;
  requires transitive io.netty.codec.http;
  requires io.netty.buffer;
  requires io.netty.common;
  requires io.netty.codec;
  requires io.netty.handler;
  requires static io.netty.transport.classes.epoll;
  requires static io.netty.transport.unix.common;
  requires org.slf4j;

  exports io.wsproxy.netty;

  provides io.wsproxy.spi.UpstreamConnector with io.wsproxy.netty.NettyUpstreamConnector;
}
