package io.wsproxy.netty.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.wsproxy.CloseCodes;
import io.wsproxy.spi.Text;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsListener;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link WsChannel} over one Netty channel whose pipeline already encodes WebSocket frames; its
 * {@link FrameReader} (our own frame decoder, the one WebSocket handler reads go through) turns
 * what is read into listener events. Server side (the client's connection) and client side (the
 * upstream connection) alike.
 *
 * <p><b>Threading.</b> Everything of one connection runs on its event loop: frames are read there and
 * the listener is called there, one event at a time, never from inside a call to one of this
 * channel's methods. Methods called on the loop (the relay path, when both legs share it) act at once
 * with no hand-off; a call from another thread is queued onto the loop in call order.
 *
 * <p><b>Writing</b> queues the frame in Netty's outbound buffer through its {@link Outbound}, which
 * defers the flush to the end of the loop's current batch; a data frame sent on the loop with
 * nothing queued ahead of it goes straight to the socket instead ({@link DirectWrite}). A send
 * answers {@link Channel#isWritable()}: the channel's {@code WriteBufferWaterMark} is the
 * back-pressure threshold, and {@link WsListener#onWritable} follows once it drained below its low
 * mark. A data frame is written whole by {@link FrameWriter} in the sender's thread: the message is
 * copied once, into the direct buffer the socket writes from (masked while copying on the client
 * side); control and close frames go through the pipeline's encoder.
 *
 * <p><b>Closing.</b> A peer's close is answered with its code and then reported
 * ({@code remote = true}); the server side then closes TCP, the client side waits for the server to
 * (at most the close timeout). Our close waits for the peer's answer for the close timeout and then
 * cuts the connection. A protocol violation (1002), invalid UTF-8 (1007) or an oversized frame or
 * message (1009) fails the connection: a close frame with that code, TCP closed, the code reported;
 * what the peer sends after it is read and released, no longer decoded
 * ({@link FrameReader#drain}).
 */
public final class NettyWsChannel implements WsChannel {

  private static final Logger log = LoggerFactory.getLogger(NettyWsChannel.class);

  /** Largest ping or pong payload (RFC 6455 section 5.5). */
  private static final int MAX_CONTROL_PAYLOAD = 125;
  /** Reason reported when the connection ended without a close frame. */
  private static final String DROPPED = "";

  private final Channel ch;
  private final EventLoop loop;
  private final boolean client;
  private final String subprotocol;
  private final long closeTimeoutNanos;
  private final MessageAssembler assembler;
  private final Runnable writableCheck = this::checkWritable;
  private final Runnable pause = () -> autoRead(false);
  private final Runnable resume = () -> autoRead(true);

  private final FrameReader reader;
  private final Outbound out;
  private WsListener listener; // loop-confined from open on
  private boolean closeReceived; // loop-confined
  private volatile boolean closeSent;
  private volatile boolean ended; // onClose reported (or about to be): nothing more goes out or in
  private volatile boolean owesWritable;
  private boolean aborted; // loop-confined
  private io.netty.util.concurrent.ScheduledFuture<?> closeTimer; // loop-confined

  /**
   * @param ch             the channel, its pipeline already framing WebSocket
   * @param client         whether this end is the client (it waits for the server to close TCP)
   * @param subprotocol    the negotiated subprotocol, or {@code null}
   * @param closeTimeout   how long the peer has to answer our close (or close TCP after its own)
   * @param maxFrameSize   largest frame payload accepted (larger: 1009)
   * @param maxMessageSize largest whole message accepted (larger: 1009)
   */
  public NettyWsChannel(Channel ch, boolean client, String subprotocol, Duration closeTimeout,
      int maxFrameSize, int maxMessageSize) {
    this.ch = Objects.requireNonNull(ch, "ch");
    this.loop = ch.eventLoop();
    this.client = client;
    this.subprotocol = subprotocol;
    this.closeTimeoutNanos = closeTimeout.toNanos();
    this.assembler = new MessageAssembler(maxMessageSize);
    // client frames reach the server side masked
    FrameDecoder decoder = new FrameDecoder(new FrameEvents(this), !client, maxFrameSize,
        maxMessageSize, assembler);
    this.reader = new FrameReader(this, decoder);
    this.out = new Outbound(ch, writableCheck);
  }

  /**
   * The pipeline handler that decodes this connection's frames into listener events (it owns
   * auto-read, and bounds the frames decoded per event-loop turn); it goes where the bytes read
   * arrive, behind TLS if any.
   */
  public FrameReader handler() {
    return reader;
  }

  /**
   * Starts delivering events to {@code l}: calls its {@code onOpen} at once. Call on the loop, with
   * {@link #handler()} in the pipeline and before reading is turned on.
   */
  public void open(WsListener l) {
    this.listener = Objects.requireNonNull(l, "listener");
    out.open();
    if (ended) {
      return;
    }
    try {
      l.onOpen(this);
    } catch (RuntimeException e) {
      listenerFailed("onOpen", e);
    }
  }

  /** Runs {@code action} once the connection has ended (at once if it already has). */
  public void onEnd(Runnable action) {
    ch.closeFuture().addListener(f -> action.run());
  }

  // ---------------------------------------------------------------- WsChannel: sending

  @Override
  public boolean sendText(Text text) {
    return sendData(FrameWriter.FINAL_TEXT, text.utf8());
  }

  @Override
  public boolean sendBinary(ByteBuffer data) {
    return sendData(FrameWriter.FINAL_BINARY, Objects.requireNonNull(data, "data"));
  }

  /** Writes one whole data frame, encoded here (in the caller's thread), not by the pipeline. */
  private boolean sendData(int first, ByteBuffer payload) {
    if (closeSent || ended) {
      return false; // closing: sends are ignored
    }
    out.writeData(first, client, payload);
    if (writable()) {
      return true;
    }
    owesWritable = true;
    if (!loop.inEventLoop() && writable()) {
      Loops.execute(loop, writableCheck); // it drained between our two looks: do not lose the event
    }
    return false;
  }

  @Override
  public void sendPing(ByteBuffer data) {
    sendControl(new PingWebSocketFrame(Unpooled.wrappedBuffer(control("ping", data))));
  }

  @Override
  public void sendPong(ByteBuffer data) {
    sendControl(new PongWebSocketFrame(Unpooled.wrappedBuffer(control("pong", data))));
  }

  private void sendControl(WebSocketFrame frame) {
    if (closeSent || ended) {
      frame.release();
      return;
    }
    write(frame);
  }

  private static ByteBuffer control(String what, ByteBuffer data) {
    Objects.requireNonNull(data, what);
    if (data.remaining() > MAX_CONTROL_PAYLOAD) {
      throw new IllegalArgumentException(
          what + " payload must be at most " + MAX_CONTROL_PAYLOAD + " bytes: " + data.remaining());
    }
    return data;
  }

  void write(Object frame) {
    out.write(frame);
  }

  private boolean writable() {
    return out.writable();
  }

  @Override
  public boolean isWritable() {
    return writable() && !closeSent && !ended;
  }

  @Override
  public long queuedBytes() {
    return out.queuedBytes();
  }

  @Override
  public String subprotocol() {
    return subprotocol;
  }

  /**
   * {@code true}: every close arms the close timer (or finds the channel closed already), which
   * cuts the connection, and a closed channel reports its end.
   */
  @Override
  public boolean endsWithinCloseTimeout() {
    return true;
  }

  @Override
  public boolean canPauseReading() {
    return true;
  }

  @Override
  public void pauseReading() {
    Loops.run(loop, pause);
  }

  @Override
  public void resumeReading() {
    Loops.run(loop, resume);
  }

  private void autoRead(boolean on) {
    reader.peerPaused(!on); // reading stays off while its budget for this turn is used, too
  }

  // ---------------------------------------------------------------- WsChannel: closing

  @Override
  public void close(int code, String reason) {
    Loops.run(loop, () -> startClose(code, reason));
  }

  private void startClose(int code, String reason) {
    if (closeSent || ended) {
      return;
    }
    closeSent = true;
    if (!ch.isActive()) {
      return; // channelInactive reports the end
    }
    int wire = CloseCodes.isSendable(code) ? code : CloseCodes.forWire(code);
    ch.writeAndFlush(Framing.closeFrame(ch, wire, CloseCodes.truncateReason(reason)),
        ch.voidPromise());
    armCloseTimer();
  }

  /** Arms the close timeout once, unless the channel is closed already (nothing left to cut). */
  private void armCloseTimer() {
    if (closeTimer == null && ch.isOpen()) {
      closeTimer = loop.schedule(this::closeTimedOut, closeTimeoutNanos, TimeUnit.NANOSECONDS);
    }
  }

  private void closeTimedOut() {
    if (ch.isOpen()) {
      log.debug("{}: no close answer within the close timeout; cutting the connection", ch);
      ch.close();
    }
  }

  @Override
  public void abort() {
    if (!Loops.run(loop, this::abortNow)) {
      ch.close(); // the loop is gone: Netty closes the channel itself
    }
  }

  private void abortNow() {
    aborted = true;
    ch.close(); // channelInactive reports 1006
  }

  // ---------------------------------------------------------------- state the handler reads

  WsListener listener() {
    return listener;
  }

  boolean ended() {
    return ended;
  }

  boolean closeSent() {
    return closeSent;
  }

  Channel channel() {
    return ch;
  }

  // ---------------------------------------------------------------- closes seen by the handler

  /**
   * The peer's close frame ({@code code} -1 if it had no body): our close answered, or the peer's
   * close to answer.
   */
  void peerClosed(int code, String reason) {
    if (code < 0) {
      code = CloseCodes.NO_STATUS;
    } else if (!CloseCodes.isSendable(code)) {
      fail(CloseCodes.PROTOCOL_ERROR, "Invalid close code");
      return;
    }
    closeReceived = true;
    if (closeSent) {
      // the answer to our close: the server ends TCP now, the client lets the server do it
      if (!client) {
        ch.close();
      }
      end(code, reason, false);
      return;
    }
    closeSent = true;
    CloseWebSocketFrame echo = code == CloseCodes.NO_STATUS
        ? new CloseWebSocketFrame() : Framing.closeFrame(ch, code, "");
    if (client) {
      ch.writeAndFlush(echo, ch.voidPromise());
      armCloseTimer(); // the server closes TCP; we cut it if it does not
    } else {
      ch.writeAndFlush(echo).addListener(ChannelFutureListener.CLOSE);
      armCloseTimer(); // a client that does not read would hold the echo, and the socket, forever
    }
    end(code, reason, true);
  }

  /** The peer broke the protocol or a limit: close with {@code code} and cut the connection. */
  void fail(int code, String reason) {
    if (ended) {
      return;
    }
    if (!closeSent && ch.isActive()) {
      closeSent = true;
      ChannelFuture sent = ch.writeAndFlush(Framing.closeFrame(ch, code, reason));
      reader.drain(); // what it sends from now on is read but not decoded
      if (client) {
        armCloseTimer(); // the server ends TCP (a server that drops frames arriving with the FIN
                         // would lose our close if we did); we cut it if it does not
      } else if (ch instanceof DuplexChannel duplex) {
        // FIN, not close: closing with the rest of the offending frame unread would send an RST,
        // and a client may drop our close frame with it; we read (and drop) until it closes
        sent.addListener(f -> duplex.shutdownOutput());
        armCloseTimer();
      } else {
        sent.addListener(ChannelFutureListener.CLOSE);
        armCloseTimer();
      }
    } else {
      ch.close();
    }
    log.debug("{}: closing with {} ({})", ch, code, reason);
    end(code, reason, false);
  }

  void checkWritable() {
    if (owesWritable && writable() && !ended) {
      owesWritable = false;
      deliver(() -> listener.onWritable(this), "onWritable");
    }
  }

  /** The connection is gone: report 1006 unless a close was reported already. */
  void inactive() {
    assembler.release();
    if (closeTimer != null) {
      closeTimer.cancel(false);
    }
    // dropped: by the peer unless we cut it (abort, or our close went unanswered)
    boolean remote = !aborted && !(closeSent && !closeReceived);
    end(CloseCodes.ABNORMAL, DROPPED, remote);
  }

  private void end(int code, String reason, boolean remote) {
    if (ended) {
      return;
    }
    ended = true;
    WsListener l = listener;
    if (l != null) {
      try {
        l.onClose(this, code, reason, remote);
      } catch (RuntimeException e) {
        listenerFailed("onClose", e);
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  void deliver(Runnable event, String method) {
    if (listener == null || ended) {
      return;
    }
    try {
      event.run();
    } catch (RuntimeException e) {
      listenerFailed(method, e);
    }
  }

  void listenerFailed(String method, RuntimeException e) {
    log.warn("WsListener.{} threw on {}", method, ch, e);
  }

  @Override
  public String toString() {
    return "NettyWsChannel{" + ch.remoteAddress() + (ended ? ", closed}" : "}");
  }
}
