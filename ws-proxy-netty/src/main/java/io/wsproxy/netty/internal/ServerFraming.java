package io.wsproxy.netty.internal;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;

/**
 * The server leg's switch from HTTP to WebSocket framing, done to the pipeline as Netty's
 * {@code WebSocketServerHandshaker} does it (same places), in fewer steps: the HTTP codec is
 * replaced in place by the frame encoder; the connection's {@link FrameReader} (our decoder) goes
 * right behind it once it opens ({@link #addReader}), where the codec's decoder was.
 *
 * <p><b>Threading.</b> Stateless; call on the channel's event loop.
 */
final class ServerFraming {

  private static final String ENCODER = "wsencoder";

  private ServerFraming() {}

  /** Takes out the HTTP handlers of a host's pipeline that must not see the 101 or the frames. */
  static void dropHttpExtras(ChannelPipeline p) {
    if (p.get(HttpObjectAggregator.class) != null) {
      p.remove(HttpObjectAggregator.class);
    }
    if (p.get(HttpContentCompressor.class) != null) {
      p.remove(HttpContentCompressor.class);
    }
  }

  /**
   * Replaces the HTTP codec (whose decoder half already left) by the server leg's unmasked frame
   * encoder, before the 101 is written as bytes (which the frame encoder passes as they are).
   *
   * @throws IllegalStateException if {@code p} has no HTTP server codec or response encoder
   */
  static void replaceHttpCodec(ChannelPipeline p) {
    ChannelHandler codec = p.get(HttpServerCodec.class);
    if (codec == null) {
      codec = p.get(HttpResponseEncoder.class);
    }
    if (codec == null) {
      throw new IllegalStateException("no HttpServerCodec or HttpResponseEncoder in the pipeline");
    }
    p.replace(codec, ENCODER, new WebSocket13FrameEncoder(false));
  }

  /** Puts {@code reader} where the HTTP decoder was: the first inbound handler behind TLS. */
  static void addReader(ChannelPipeline p, FrameReader reader) {
    p.addAfter(ENCODER, FrameReader.NAME, reader);
  }
}
