package io.wsproxy.netty.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;

/**
 * The WebSocket framing settings both legs share: strict RFC 6455 decoding (masking as the side
 * demands, no extensions, a finite frame size) with violations reported to the
 * {@link NettyWsChannel} rather than answered by Netty, so the close codes and reasons are ours.
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
   * The decoder settings of one leg.
   *
   * @param expectMasked true on the server side (client frames must be masked), false on the
   *                     client side (server frames must not be)
   * @param maxFrameSize largest frame payload; larger frames fail with 1009
   */
  static WebSocketDecoderConfig decoderConfig(boolean expectMasked, int maxFrameSize) {
    return WebSocketDecoderConfig.newBuilder()
        .expectMaskedFrames(expectMasked)
        .allowMaskMismatch(false)
        .allowExtensions(false)
        .maxFramePayloadLength(maxFrameSize)
        .closeOnProtocolViolation(false)
        .withUTF8Validator(false) // added by us, after the decoder, reporting to the channel
        .build();
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
