/**
 * ws-proxy on Netty 4.2, the fast path: {@link io.wsproxy.netty.WsProxyHandler} takes WebSocket
 * upgrades in a host's own pipeline (after its {@code HttpServerCodec}) and passes every other
 * request on; {@link io.wsproxy.netty.NettyEndpointServer} is a ready server with {@code /healthz};
 * {@link io.wsproxy.netty.NettyUpstreamConnector} dials each upstream from its client's event loop,
 * so a relayed message crosses no thread.
 *
 * <p>Everything of one connection runs on its event loop; nothing blocks it. The native epoll
 * transport is used where it loads, NIO elsewhere.
 */
package io.wsproxy.netty;
