package io.wsproxy.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaderValidationUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import io.wsproxy.HandshakeDecision;
import io.wsproxy.HandshakeRequest;
import io.wsproxy.Limits;
import io.wsproxy.Rejection;
import io.wsproxy.RejectionMode;
import io.wsproxy.spi.PendingHandshake;
import io.wsproxy.spi.UpgradeCheck;
import io.wsproxy.spi.WsEndpoint;
import io.wsproxy.spi.WsListener;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One upgrade request from the checks on to the open WebSocket: nothing more is read while the
 * endpoint decides (for a proxy, until its upstream answered) once the client sent anything; then
 * the 101 with the endpoint's subprotocol, or the refusal. A client that leaves first abandons the handshake (which cancels the upstream
 * dial), and a handshake still undecided after the deadline is answered 503 and abandoned. That
 * deadline goes on the timer of the request head's ({@link RequestHeadDecoder#handOver}) when the
 * ready server read the request.
 *
 * <p><b>Threading.</b> Created on the channel's event loop; the decision may complete on any thread,
 * and is answered back on the loop. Nothing here blocks.
 */
public final class ServerUpgrade {

  private static final Logger log = LoggerFactory.getLogger(ServerUpgrade.class);

  /** Reason of the close sent when the endpoint fails to take an accepted connection. */
  private static final String OPEN_FAILED = "Internal error";
  private static final byte[] SWITCHING = ("HTTP/1.1 101 Switching Protocols\r\n"
      + "upgrade: websocket\r\nconnection: upgrade\r\nsec-websocket-accept: ")
      .getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PROTOCOL =
      "\r\nsec-websocket-protocol: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  /** Slack over the endpoint's own handshake and connect timeouts before the transport gives up. */
  static final Duration DEADLINE_SLACK = Duration.ofSeconds(1);

  private final ChannelHandlerContext ctx;
  private final Channel ch;
  private final EventLoop loop;
  private final String key; // the client's Sec-WebSocket-Key, which the checks passed
  private final WsEndpoint endpoint;
  private final int highWaterMark;
  private final EarlyBytes early;
  private PendingHandshake pending;
  private final HandshakeDeadline deadline;
  // abandons the handshake and drops the early bytes if the client leaves first; removed once open
  // (both would be no-ops, and it would keep the handshake, its request and its headers for the
  // connection's life)
  private GenericFutureListener<Future<? super Void>> abandonOnClose;
  private boolean answered; // loop-confined

  private ServerUpgrade(ChannelHandlerContext ctx, String key, WsEndpoint endpoint,
      int highWaterMark, EarlyBytes early, HandshakeDeadline deadline) {
    this.ctx = ctx;
    this.deadline = deadline;
    this.ch = ctx.channel();
    this.loop = ch.eventLoop();
    this.key = key;
    this.endpoint = endpoint;
    this.highWaterMark = highWaterMark;
    this.early = early;
  }

  /**
   * Takes over the upgrade request {@code req} that arrived at {@code ctx} (the ws-proxy handler's
   * context): checks it, hands it to {@code endpoint}, and answers the client when it decided.
   * Bytes behind the request go to {@code early} (the ws-proxy handler passes them on).
   */
  public static void start(ChannelHandlerContext ctx, RequestHead req, WsEndpoint endpoint,
      int highWaterMark, EarlyBytes early) {
    Channel ch = ctx.channel();
    // the request head's deadline, ours from here: cancelled, or moved to the answer's
    HandshakeDeadline deadline = RequestHeadDecoder.handOver(ctx.pipeline());
    // reading stays on until the client sends something before its answer: then EarlyBytes turns
    // it off. Most clients send nothing, and the upgrade costs no epoll_ctl to stop reading and
    // another to start again
    EarlyBytes.stopHttpDecoding(ctx.pipeline()); // what follows the request is WebSocket
    Limits limits = endpoint.limits();
    UpgradeCheck.Refusal refusal = UpgradeRequests.check(req, limits);
    if (refusal != null) {
      log.debug("{}: upgrade refused before the endpoint: {} {}", ch, refusal.status(),
          refusal.reason());
      cancel(deadline);
      early.release(); // refused: what the client sent behind the request is dropped
      HttpReplies.replyAndClose(ctx, refusal.status(), refusal.reason(), refusal.headers());
      return;
    }
    HandshakeRequest hr;
    String key;
    try {
      hr = UpgradeRequests.toHandshakeRequest(req, ch);
      key = req.headers().first("Sec-WebSocket-Key").orElseThrow().strip();
    } catch (RuntimeException e) {
      cancel(deadline);
      early.release(); // begin, whose close listener drops them, is not reached
      throw e;
    }
    new ServerUpgrade(ctx, key, endpoint, highWaterMark, early,
        deadline != null ? deadline : new HandshakeDeadline(ch.eventLoop())).begin(hr, limits);
  }

  private static void cancel(HandshakeDeadline deadline) {
    if (deadline != null) {
      deadline.cancel();
    }
  }

  private void begin(HandshakeRequest hr, Limits limits) {
    HandshakeDeadline.beginTaking(deadline); // a dial from this loop shares its timer
    try {
      pending = endpoint.handshake(hr, loop);
    } catch (RuntimeException e) {
      HandshakeDeadline.endTaking();
      log.warn("{}: the endpoint failed on a handshake", ch, e);
      deadline.cancel();
      early.release();
      HttpReplies.replyAndClose(ctx, 500, "Internal error");
      return;
    }
    HandshakeDeadline.endTaking();
    // a backstop over the endpoint's own timeouts (pipeline, then upstream dial)
    Duration limit = limits.handshakeTimeout().plus(limits.connectTimeout()).plus(DEADLINE_SLACK);
    deadline.set(limit.toNanos(), this::timedOut);
    PendingHandshake p = pending; // not this: an open connection must not keep the request
    EarlyBytes e = early;
    abandonOnClose = f -> {
      e.release();
      p.abandon();
    };
    ch.closeFuture().addListener(abandonOnClose);
    pending.decision().whenComplete((decision, error) -> {
      if (!Loops.run(loop, () -> answer(decision, error))) {
        pending.abandon(); // the server is shutting down: nobody is left to answer
      }
    });
  }

  private void timedOut() {
    if (answered) {
      return;
    }
    answered = true;
    log.debug("{}: no handshake decision in time; answering 503", ch);
    pending.abandon();
    HttpReplies.replyAndClose(ctx, 503, "Handshake timed out");
  }

  private void answer(HandshakeDecision decision, Throwable error) {
    if (answered) {
      return;
    }
    answered = true;
    deadline.cancel();
    if (!ch.isActive()) {
      pending.abandon();
      return;
    }
    if (error != null || decision == null) {
      log.warn("{}: the endpoint's decision failed", ch, error);
      pending.abandon();
      HttpReplies.replyAndClose(ctx, 500, "Internal error");
    } else if (decision instanceof HandshakeDecision.Accept accept) {
      upgrade(accept.subprotocol(), null);
    } else {
      Rejection r = (Rejection) decision;
      if (endpoint.rejectionMode() == RejectionMode.CLOSE_CODE) {
        upgrade(null, r);
      } else {
        HttpReplies.replyAndClose(ctx, r.httpStatus(), r.reason())
            .addListener(f -> pending.abandon());
      }
    }
  }

  /** Writes the 101 with {@code subprotocol}; then opens, or closes with {@code rejection}. */
  private void upgrade(String subprotocol, Rejection rejection) {
    Limits limits = endpoint.limits();
    ChannelFuture written;
    ByteBuf head;
    try {
      head = switchingProtocols(ch.alloc(), key, subprotocol);
    } catch (IllegalArgumentException e) { // a subprotocol a header value cannot carry
      log.warn("{}: the 101 could not be made", ch, e);
      pending.abandon();
      HttpReplies.replyAndClose(ctx, 500, "Internal error");
      return;
    }
    try {
      ServerFraming.dropHttpExtras(ch.pipeline());
      // the 101 is bytes: WebSocket framing takes the HTTP codec's place before it is written
      ServerFraming.replaceHttpCodec(ch.pipeline());
    } catch (RuntimeException e) { // no codec
      log.warn("{}: the 101 could not be written", ch, e);
      head.release();
      pending.abandon();
      ch.close();
      return;
    }
    written = ch.writeAndFlush(head);
    written.addListener(f -> {
      if (!f.isSuccess()) {
        log.debug("{}: the 101 could not be written: {}", ch, f.cause().toString());
        pending.abandon();
        ch.close();
        return;
      }
      opened(subprotocol, rejection, limits);
    });
  }

  private void opened(String subprotocol, Rejection rejection, Limits limits) {
    NettyWsChannel ws = new NettyWsChannel(ch, false, subprotocol, limits.closeTimeout(),
        limits.maxFrameSize(), limits.maxMessageSize());
    ChannelPipeline p = ch.pipeline();
    ServerFraming.addReader(p, ws.handler()); // it decodes, unmasks and validates
    Framing.waterMark(ch, highWaterMark);
    if (rejection != null) {
      early.release();
      ws.open(new WsListener() {}); // reads the client's answer to the close
      ws.close(rejection.closeCode(), rejection.reason());
      pending.abandon();
    } else {
      WsListener l;
      try {
        l = pending.open(ws);
      } catch (RuntimeException e) {
        log.warn("{}: the endpoint failed to open the connection", ch, e);
        l = null;
      }
      if (l == null) {
        ws.open(new WsListener() {});
        ws.close(io.wsproxy.CloseCodes.INTERNAL_ERROR, OPEN_FAILED);
      } else {
        ch.closeFuture().removeListener(abandonOnClose);
        ws.open(l);
        early.feed(p); // a pipelining client's first frames, before anything read later
      }
    }
    ws.resumeReading(); // through its fair-reads budget, which early frames may have used up
  }

  /**
   * The 101 of RFC 6455 section 4.2.2 as bytes, byte for byte what Netty's HTTP encoder writes for
   * the response {@code WebSocketServerHandshaker13} makes (lower-case names), without the response
   * object, its header map and the encoder, for the client's {@code key}. {@code subprotocol} is the
   * endpoint's choice (from the client's offer), or null.
   *
   * @throws IllegalArgumentException for a subprotocol Netty's header validation refuses
   */
  static ByteBuf switchingProtocols(ByteBufAllocator alloc, String key, String subprotocol) {
    if (subprotocol != null && HttpHeaderValidationUtil.validateValidHeaderValue(subprotocol) >= 0) {
      throw new IllegalArgumentException("a subprotocol no header value can carry");
    }
    int length = SWITCHING.length + AcceptKey.LENGTH + END.length
        + (subprotocol == null ? 0 : PROTOCOL.length + subprotocol.length());
    ByteBuf b = alloc.buffer(length);
    b.writeBytes(SWITCHING);
    AcceptKey.write(key, b);
    if (subprotocol != null) {
      b.writeBytes(PROTOCOL);
      b.writeCharSequence(subprotocol, StandardCharsets.ISO_8859_1);
    }
    b.writeBytes(END);
    return b;
  }
}
