package io.wsproxy.netty.internal;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.security.MessageDigest;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The 101 written as bytes is what Netty's encoder wrote for the response object; its accept key. */
class SwitchingProtocolsTest {

  /** RFC 6455 section 1.3's example. */
  private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
  private static final String ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

  @ParameterizedTest
  @ValueSource(strings = {"", "chat.v2"})
  void bytesAreWhatNettysEncoderWritesForTheSameResponse(String subprotocol) {
    String protocol = subprotocol.isEmpty() ? null : subprotocol;
    ByteBuf ours = ServerUpgrade.switchingProtocols(ByteBufAllocator.DEFAULT, KEY, protocol);
    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.SWITCHING_PROTOCOLS, Unpooled.EMPTY_BUFFER);
    res.headers().set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET)
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE)
        .set(HttpHeaderNames.SEC_WEBSOCKET_ACCEPT, ACCEPT);
    if (protocol != null) {
      res.headers().set(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, protocol);
    }
    EmbeddedChannel encoder = new EmbeddedChannel(new HttpResponseEncoder());
    encoder.writeOutbound(res);
    StringBuilder netty = new StringBuilder();
    for (ByteBuf b; (b = encoder.readOutbound()) != null; b.release()) {
      netty.append(b.toString(ISO_8859_1));
    }
    assertEquals(netty.toString(), ours.toString(ISO_8859_1));
    ours.release();
  }

  @Test
  void aSubprotocolNoHeaderCanCarryIsRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> ServerUpgrade.switchingProtocols(ByteBufAllocator.DEFAULT, KEY, "a\nb"));
  }

  @Test
  void theAcceptValueMatchesOnlyItsKey() {
    assertTrue(AcceptKey.matches(KEY, ACCEPT));
    assertFalse(AcceptKey.matches(KEY, "s3pPLMBiTxaQ9kYGzzhZRbK+xOp="));
    assertFalse(AcceptKey.matches("x" + KEY.substring(1), ACCEPT));
    assertFalse(AcceptKey.matches(KEY, ACCEPT + "="));
  }

  @Test
  void aKeyLongerThanTheScratchArrayGetsItsAcceptToo() throws Exception {
    String key = KEY.repeat(4);
    String expected = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
        .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(ISO_8859_1)));
    assertTrue(AcceptKey.matches(key, expected));
  }
}
