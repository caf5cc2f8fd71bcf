package io.wsproxy.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.wsproxy.spi.Text;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsListener;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One leg's {@link NettyWsChannel} on an {@link EmbeddedChannel} (whose loop runs scheduled tasks
 * only when told), its listener recording events as strings, and frames made by hand, for unit
 * tests of the {@link FrameReader} and its {@link FrameDecoder}.
 */
final class Leg {

  static final byte[] KEY = {0x37, (byte) 0xfa, 0x21, 0x3d};

  final EmbeddedChannel ch = new EmbeddedChannel();
  final NettyWsChannel ws;
  final List<String> events = new ArrayList<>();
  private final List<ChannelPromise> sent = new ArrayList<>();

  /** The server leg (frames must be masked) or the client leg (they must not be). */
  Leg(boolean server, int maxFrameSize, int maxMessageSize) {
    ws = new NettyWsChannel(ch, !server, null, Duration.ofSeconds(30), maxFrameSize,
        maxMessageSize);
    ch.pipeline().addLast(new ChannelOutboundHandlerAdapter() {
      @Override
      public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        ctx.write(msg, ctx.voidPromise());
        sent.add(promise); // done later, as a socket's writes are: not inside the write call
      }
    });
    ch.pipeline().addLast(server ? new WebSocket13FrameEncoder(false) : MaskingFrameEncoder.INSTANCE);
    ch.pipeline().addLast(FrameReader.NAME, ws.handler());
    ws.open(new WsListener() {
      @Override
      public void onText(WsChannel channel, Text text) {
        events.add("text " + text.asString());
      }

      @Override
      public void onBinary(WsChannel channel, ByteBuffer data) {
        events.add("binary " + hex(data));
      }

      @Override
      public void onPing(WsChannel channel, ByteBuffer data) {
        events.add("ping " + hex(data));
      }

      @Override
      public void onPong(WsChannel channel, ByteBuffer data) {
        events.add("pong " + hex(data));
      }

      @Override
      public void onClose(WsChannel channel, int code, String reason, boolean remote) {
        events.add("close " + code + " " + reason);
      }
    });
  }

  /** One read: the bytes, then the end of the read batch, as a channel's read loop fires them. */
  void read(byte[] bytes, int from, int to) {
    ByteBuf b = Unpooled.directBuffer(to - from).writeBytes(bytes, from, to - from);
    ch.pipeline().fireChannelRead(b);
    ch.pipeline().fireChannelReadComplete();
    ch.checkException();
  }

  void read(byte[] bytes) {
    read(bytes, 0, bytes.length);
  }

  /** The frames written to the peer since the last call: first byte and payload, in hex. */
  List<String> written() {
    ch.runPendingTasks();
    List<String> out = new ArrayList<>();
    ByteBuf b;
    while ((b = ch.readOutbound()) != null) {
      int len = b.getByte(1) & 0x7F; // control frames only: short, unmasked toward the client
      int at = (b.getByte(1) & 0x80) != 0 ? 6 : 2;
      byte[] payload = new byte[len];
      b.getBytes(at, payload);
      if (at == 6) {
        for (int i = 0; i < len; i++) {
          payload[i] ^= b.getByte(2 + (i & 3));
        }
      }
      out.add(String.format("%02x %s", b.getByte(0) & 0xFF, HexFormat.of().formatHex(payload)));
      b.release();
    }
    List<ChannelPromise> done = new ArrayList<>(sent);
    sent.clear();
    done.forEach(ChannelPromise::trySuccess);
    return out;
  }

  static String hex(ByteBuffer data) {
    byte[] b = new byte[data.remaining()];
    data.duplicate().get(b);
    return b.length > 16 ? b.length + " bytes, sum " + sum(b) : HexFormat.of().formatHex(b);
  }

  private static long sum(byte[] b) {
    long s = 0;
    for (byte x : b) {
      s = s * 31 + x;
    }
    return s;
  }

  /** A frame with the minimal length encoding, masked with {@link #KEY} when {@code masked}. */
  static byte[] frame(int b0, byte[] payload, boolean masked) {
    int n = payload.length;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(b0);
    int m = masked ? 0x80 : 0;
    if (n < 126) {
      out.write(m | n);
    } else if (n < 65_536) {
      out.write(m | 126);
      out.write(n >>> 8);
      out.write(n);
    } else {
      out.write(m | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        out.write((int) ((long) n >>> shift));
      }
    }
    if (masked) {
      out.writeBytes(KEY);
    }
    for (int i = 0; i < n; i++) {
      out.write(masked ? payload[i] ^ KEY[i & 3] : payload[i]);
    }
    return out.toByteArray();
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
