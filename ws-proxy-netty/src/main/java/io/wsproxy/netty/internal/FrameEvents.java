package io.wsproxy.netty.internal;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.wsproxy.CloseCodes;
import io.wsproxy.spi.Text;
import io.wsproxy.spi.WsListener;
import java.nio.ByteBuffer;

/**
 * What the {@link FrameDecoder} found, told to a {@link NettyWsChannel} and its listener: whole
 * messages, pings (answered here), pongs, the peer's close, and violations, which fail the
 * connection with their code and our own reason.
 *
 * <p><b>Threading.</b> One per connection, on its event loop.
 */
final class FrameEvents {

  private final NettyWsChannel ws;

  FrameEvents(NettyWsChannel ws) {
    this.ws = ws;
  }

  /** Whether decoding must stop: the connection failed, closed or is closing down. */
  boolean stopped() {
    return ws.ended();
  }

  /** A whole message, its bytes the listener's ({@code text}: validated UTF-8). */
  void message(boolean text, ByteBuffer message) {
    WsListener l = ws.listener();
    if (l == null) {
      return;
    }
    try {
      if (text) {
        l.onText(ws, Text.ofValidUtf8(message));
      } else {
        l.onBinary(ws, message);
      }
    } catch (RuntimeException e) {
      ws.listenerFailed(text ? "onText" : "onBinary", e);
    }
  }

  /** A ping with {@code payload[0, length)}: answered, then reported. */
  void ping(byte[] payload, int length) {
    // a peer that does not read gets no more pongs once its buffer is full (RFC 6455 5.5.3
    // allows answering only the latest ping): a ping flood must not queue without bound
    if (!ws.closeSent() && ws.channel().isWritable()) {
      ws.write(new PongWebSocketFrame(Unpooled.wrappedBuffer(copy(payload, length))));
    }
    ByteBuffer data = ByteBuffer.wrap(copy(payload, length));
    ws.deliver(() -> ws.listener().onPing(ws, data), "onPing");
  }

  /** A pong with {@code payload[0, length)}. */
  void pong(byte[] payload, int length) {
    ByteBuffer data = ByteBuffer.wrap(copy(payload, length));
    ws.deliver(() -> ws.listener().onPong(ws, data), "onPong");
  }

  /** The peer's close: {@code code} -1 when its frame had no body. */
  void close(int code, String reason) {
    ws.peerClosed(code, reason);
  }

  /** The peer broke the protocol (1002), sent invalid UTF-8 (1007) or too much (1009). */
  void fail(int code) {
    ws.fail(code, reasonFor(code));
  }

  /** Our words for a close code. */
  static String reasonFor(int code) {
    return switch (code) {
      case CloseCodes.INVALID_PAYLOAD -> "Invalid UTF-8";
      case CloseCodes.MESSAGE_TOO_BIG -> "Message too big";
      default -> "Protocol error";
    };
  }

  private static byte[] copy(byte[] payload, int length) {
    byte[] b = new byte[length];
    System.arraycopy(payload, 0, b, 0, length);
    return b;
  }
}
