package io.wsproxy.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.nio.charset.StandardCharsets;

/**
 * The WebSocket settings both legs share (decoding is {@link FrameDecoder}'s, strict RFC 6455 on
 * both legs).
 *
 * <p><b>Threading.</b> Stateless; thread-safe.
 */
public final class Framing {

  /** No headers, for Netty calls that want some. */
  static final HttpHeaders NO_HEADERS = EmptyHttpHeaders.INSTANCE;
  /** Default high-water mark of a connection's outbound buffer: 256 KiB (low: half of it). */
  public static final int DEFAULT_HIGH_WATER_MARK = 256 * 1024;

  private Framing() {}

  /**
   * A close frame with {@code code} and {@code reason}, its payload from {@code ch}'s (pooled)
   * allocator: Netty's {@code new CloseWebSocketFrame(code, reason)} takes an unpooled direct buffer,
   * a {@code DirectByteBuffer} with its own native memory and {@code Cleaner}, for every close.
   *
   * @throws IllegalArgumentException for a code RFC 6455 does not allow on the wire, as Netty's
   *                                  constructor does
   */
  static CloseWebSocketFrame closeFrame(Channel ch, int code, String reason) {
    if (!WebSocketCloseStatus.isValidStatusCode(code)) {
      throw new IllegalArgumentException(
          "WebSocket close status code does NOT comply with RFC-6455: " + code);
    }
    String text = reason == null ? "" : reason;
    ByteBuf payload = ch.alloc().buffer(2 + ByteBufUtil.utf8Bytes(text));
    payload.writeShort(code);
    payload.writeCharSequence(text, StandardCharsets.UTF_8);
    return new CloseWebSocketFrame(true, 0, payload);
  }

  /** {@code value} when it is at least {@code min}; else names {@code field} in the exception. */
  public static int atLeast(String field, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(field + " must be at least " + min + ": " + value);
    }
    return value;
  }

  /** Sets {@code ch}'s outbound buffer marks: {@code high}, and half of it to become writable. */
  static void waterMark(Channel ch, int high) {
    ch.config().setOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
        new WriteBufferWaterMark(high / 2, high));
  }
}
