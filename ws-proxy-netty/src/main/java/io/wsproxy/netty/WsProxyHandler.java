package io.wsproxy.netty;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.wsproxy.netty.internal.Framing;
import io.wsproxy.netty.internal.ServerUpgrade;
import io.wsproxy.netty.internal.UpgradeRequests;
import io.wsproxy.spi.WsEndpoint;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The ws-proxy handler for a host's own Netty pipeline: it takes the WebSocket upgrades for the
 * endpoint's paths and passes every other HTTP request, untouched, to the host's next handler.
 * Place it right after the {@code HttpServerCodec} (before any {@code HttpObjectAggregator}):
 *
 * <pre>{@code
 * WsProxyHandler ws = new WsProxyHandler(proxy);            // or a Gateway; one instance for all
 * ch.pipeline().addLast(new HttpServerCodec(), ws, new MyHttpHandler());
 * }</pre>
 *
 * <p>An upgrade is held with reading off while the endpoint decides (a proxy dials its upstream
 * first), then answered with a 101 carrying the endpoint's subprotocol, or with the refusal. A
 * malformed upgrade (not GET, not HTTP/1.1, no single Host, no {@code Connection: upgrade}, a key
 * that is not 16 bytes, a version other than 13, a body) is refused with 400, 405 or 426 before
 * the endpoint sees it. The upstream connection of a {@link NettyUpstreamConnector} is dialled from
 * the client channel's event loop.
 *
 * <p><b>Threading.</b> {@linkplain ChannelHandler.Sharable Sharable} and stateless (per-connection
 * state lives in a channel attribute and in handlers it adds); everything of a connection runs on
 * its event loop.
 */
@ChannelHandler.Sharable
public final class WsProxyHandler extends ChannelInboundHandlerAdapter {

  /** Set while the rest of an upgrade request (its empty last content) is to be dropped. */
  private static final AttributeKey<Boolean> TAKEN =
      AttributeKey.valueOf(WsProxyHandler.class, "taken");

  private final WsEndpoint endpoint;
  private final Predicate<String> paths;
  private final int highWaterMark;

  /** Takes WebSocket upgrades for every path. */
  public WsProxyHandler(WsEndpoint endpoint) {
    this(endpoint, path -> true);
  }

  /**
   * Takes WebSocket upgrades whose raw path (before {@code ?}) matches {@code paths}; upgrades for
   * other paths go to the host's next handler like any request.
   */
  public WsProxyHandler(WsEndpoint endpoint, Predicate<String> paths) {
    this(endpoint, paths, Framing.DEFAULT_HIGH_WATER_MARK);
  }

  /**
   * As {@link #WsProxyHandler(WsEndpoint, Predicate)}, with the high-water mark of each client
   * connection's outbound buffer: past it sends answer "not writable" and the upstream is paused
   * until the buffer drained to half of it. Capped by the endpoint's {@code maxQueuedBytes}.
   */
  public WsProxyHandler(WsEndpoint endpoint, Predicate<String> paths, int highWaterMarkBytes) {
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    this.paths = Objects.requireNonNull(paths, "paths");
    Framing.atLeast("highWaterMarkBytes", highWaterMarkBytes, 2);
    long cap = endpoint.limits().maxQueuedBytes();
    this.highWaterMark = (int) Math.min(highWaterMarkBytes, Math.max(2, cap));
  }

  /** The endpoint this handler serves. */
  public WsEndpoint endpoint() {
    return endpoint;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest req && UpgradeRequests.isWebSocketUpgrade(req)
        && paths.test(UpgradeRequests.path(req.uri()))) {
      ctx.channel().attr(TAKEN).set(Boolean.TRUE);
      try {
        ServerUpgrade.start(ctx, req, endpoint, highWaterMark);
      } finally {
        if (msg instanceof LastHttpContent) { // a host's aggregator made it a FullHttpRequest
          ctx.channel().attr(TAKEN).set(null);
        }
        ReferenceCountUtil.release(msg);
      }
      return;
    }
    if (msg instanceof HttpContent && ctx.channel().attr(TAKEN).get() != null) {
      if (msg instanceof LastHttpContent) {
        ctx.channel().attr(TAKEN).set(null);
      }
      ReferenceCountUtil.release(msg); // the (empty) rest of an upgrade request we took
      return;
    }
    ctx.fireChannelRead(msg);
  }
}
