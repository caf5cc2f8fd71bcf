package io.wsproxy.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.wsproxy.netty.internal.EarlyBytes;
import io.wsproxy.netty.internal.Framing;
import io.wsproxy.netty.internal.RequestHead;
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
 * <p>HTTP decoding stops at a taken upgrade request: bytes behind it (a pipelining client's first
 * frames) are held and relayed once the WebSocket is open. A connection whose upgrade was taken
 * serves no further HTTP request.
 *
 * <p><b>Threading.</b> {@linkplain ChannelHandler.Sharable Sharable} and stateless (per-connection
 * state lives in a channel attribute and in handlers it adds); everything of a connection runs on
 * its event loop.
 */
@ChannelHandler.Sharable
public final class WsProxyHandler extends ChannelInboundHandlerAdapter {

  /** Set once an upgrade request was taken: what follows it is the client's early frames. */
  private static final AttributeKey<EarlyBytes> TAKEN =
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
    EarlyBytes early = ctx.channel().attr(TAKEN).get();
    if (early != null) {
      if (msg instanceof ByteBuf bytes) {
        early.add(ctx, bytes); // HTTP decoding stopped at the upgrade: these are early frames
      } else {
        ReferenceCountUtil.release(msg); // the (empty) last content of the request we took
      }
      return;
    }
    if (msg instanceof HttpRequest req && UpgradeRequests.isWebSocketUpgrade(req)
        && paths.test(UpgradeRequests.path(req.uri()))) {
      try {
        take(ctx, UpgradeRequests.head(req));
      } finally {
        ReferenceCountUtil.release(msg);
      }
      return;
    }
    if (msg instanceof RequestHead head && head.isWebSocketUpgrade()
        && paths.test(UpgradeRequests.path(head.target()))) {
      take(ctx, head); // the ready server's own decoder read it
      return;
    }
    ctx.fireChannelRead(msg);
  }

  private void take(ChannelHandlerContext ctx, RequestHead head) {
    EarlyBytes early = new EarlyBytes();
    ctx.channel().attr(TAKEN).set(early);
    ServerUpgrade.start(ctx, head, endpoint, highWaterMark, early);
  }
}
