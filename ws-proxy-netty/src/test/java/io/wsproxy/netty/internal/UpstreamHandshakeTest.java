package io.wsproxy.netty.internal;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpVersion;
import io.wsproxy.Headers;
import io.wsproxy.spi.UpstreamRequest;
import java.net.URI;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The upgrade request written as bytes is what Netty's encoder wrote for the request object. */
class UpstreamHandshakeTest {

  private static final Pattern KEY = Pattern.compile("sec-websocket-key: (\\S+)\r\n");

  @Test
  void requestBytesAreWhatNettysEncoderWritesForTheSameRequest() {
    UpstreamRequest r = UpstreamRequest.builder(URI.create("ws://[::1]:9001/a%20b/c?x=1&y=%2F"))
        .headers(Headers.of("X-Forwarded-For", "203.0.113.9", "Cookie", "a=1; b=2",
            "X-Latin", "caf\u00e9", "Host", "client.test", "sec-websocket-key", "theirs",
            "X-Tab", "a\tb", "Cookie", "c=3"))
        .subprotocols(List.of("v2.chat", "v1.chat")).build();
    UpstreamHandshake h = new UpstreamHandshake(r);
    String ours = text(h.request(ByteBufAllocator.DEFAULT));
    Matcher key = KEY.matcher(ours);
    assertTrue(key.find(), ours);

    FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
        "/a%20b/c?x=1&y=%2F", Unpooled.EMPTY_BUFFER);
    // the caller's headers in the order Headers.forEach gives them: grouped by name
    req.headers().add("X-Forwarded-For", "203.0.113.9").add("Cookie", "a=1; b=2")
        .add("Cookie", "c=3").add("X-Latin", "caf\u00e9").add("X-Tab", "a\tb")
        .set(HttpHeaderNames.HOST, "[::1]:9001").set(HttpHeaderNames.UPGRADE, "websocket")
        .set(HttpHeaderNames.CONNECTION, "Upgrade")
        .set(HttpHeaderNames.SEC_WEBSOCKET_KEY, key.group(1))
        .set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13")
        .set(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, "v2.chat, v1.chat");
    EmbeddedChannel encoder = new EmbeddedChannel(new HttpRequestEncoder());
    encoder.writeOutbound(req);
    StringBuilder netty = new StringBuilder();
    for (ByteBuf b; (b = encoder.readOutbound()) != null; ) {
      netty.append(text(b));
    }
    assertEquals(netty.toString(), ours);
  }

  @Test
  void defaultPortAndNoOfferLeaveHostBareAndNoProtocolHeader() {
    UpstreamHandshake h = new UpstreamHandshake(
        UpstreamRequest.builder(URI.create("ws://backend.test")).build());
    String ours = text(h.request(ByteBufAllocator.DEFAULT));
    assertTrue(ours.startsWith("GET / HTTP/1.1\r\nhost: backend.test\r\nupgrade: websocket\r\n"),
        ours);
    assertTrue(ours.endsWith("sec-websocket-version: 13\r\n\r\n"), ours);
    assertTrue(!ours.contains("sec-websocket-protocol"), ours);
  }

  @Test
  void aHeaderValueNettyRefusesFailsTheRequest() {
    UpstreamHandshake h = new UpstreamHandshake(UpstreamRequest.builder(URI.create("ws://a.test"))
        .headers(Headers.of("X-Bad", "a\u0001b")).build());
    assertThrows(IllegalArgumentException.class, () -> h.request(ByteBufAllocator.DEFAULT));
  }

  private static String text(ByteBuf b) {
    try {
      return b.toString(ISO_8859_1);
    } finally {
      b.release();
    }
  }
}
