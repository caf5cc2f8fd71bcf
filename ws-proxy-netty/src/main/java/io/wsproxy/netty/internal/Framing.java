package io.wsproxy.netty.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;

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
