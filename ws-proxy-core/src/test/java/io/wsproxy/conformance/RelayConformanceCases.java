package io.wsproxy.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.CloseCodes;
import io.wsproxy.ConnectMode;
import io.wsproxy.Limits;
import io.wsproxy.PathPrefixRoutes;
import io.wsproxy.Route;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.java_websocket.enums.Opcode;
import org.junit.jupiter.api.Test;

/**
 * The first half of the {@link TransportConformanceKit}: relaying messages (text, binary, large,
 * early, concurrent, fragmented, control frames) and what the upstream learns from the handshake
 * (path, query, subprotocol allowlist, forwarded headers). Not meant to be extended directly.
 */
public abstract class RelayConformanceCases extends HardeningConformanceCases {

  /** Connections × messages of the ordering test. */
  static final int CONNECTIONS = 50;
  static final int MESSAGES_PER_CONNECTION = 1_000;

  // ---------------------------------------------------------------- relay

  @Test
  void relaysTextBothWaysUnchanged() throws Exception {
    startEchoProxy();
    TestClient client = connect("/");
    UpstreamPeer.Conn up = upstream().awaitConnection(AWAIT);
    List<String> texts = List.of("hello", "", "héllo wörld €𝄞 日本", "x".repeat(70_000));
    for (String t : texts) {
      client.sendText(t);
    }
    for (String t : texts) {
      assertEquals(t, up.next(AWAIT), "upstream got");
      assertEquals(t, client.next(AWAIT), "client got the echo");
    }
    up.send("from upstream ✓");
    assertEquals("from upstream ✓", client.next(AWAIT));
  }

  @Test
  void relaysBinaryBothWaysByteExact() throws Exception {
    startEchoProxy();
    TestClient client = connect("/");
    UpstreamPeer.Conn up = upstream().awaitConnection(AWAIT);
    byte[] all = new byte[256];
    for (int i = 0; i < all.length; i++) {
      all[i] = (byte) i;
    }
    List<byte[]> payloads = List.of(all, new byte[0], "text-like".getBytes(StandardCharsets.UTF_8));
    for (byte[] p : payloads) {
      client.sendBinary(p);
    }
    for (byte[] p : payloads) {
      assertArrayEquals(p, (byte[]) up.next(AWAIT), "upstream got");
      assertArrayEquals(p, (byte[]) client.next(AWAIT), "client got the echo");
    }
  }

  @Test
  void relaysMaskedFramesThatArriveInPiecesSplitAnywhere() throws Exception {
    startEchoProxy();
    RawClient client = connectRaw("/");
    upstream().awaitConnection(AWAIT);
    java.util.Random r = new java.util.Random(11);
    int[] lengths = {0, 1, 5, 8, 13, 125, 126, 127, 4099, 65535, 65536, 70001};
    java.util.List<byte[]> payloads = new java.util.ArrayList<>();
    java.io.ByteArrayOutputStream wire = new java.io.ByteArrayOutputStream();
    for (int len : lengths) {
      byte[] p = new byte[len];
      r.nextBytes(p);
      payloads.add(p);
      // keys with zero bytes too: a key of 0 is legal and must not be mistaken for "unmasked"
      byte[] key = len % 2 == 0 ? new byte[] {0, (byte) r.nextInt(), 0, (byte) r.nextInt()}
          : new byte[] {(byte) r.nextInt(), (byte) r.nextInt(), (byte) r.nextInt(), (byte) 0x80};
      wire.write(0x82);
      if (len <= 125) {
        wire.write(0x80 | len);
      } else if (len <= 0xFFFF) {
        wire.write(0x80 | 126);
        wire.write(len >> 8);
        wire.write(len);
      } else {
        wire.write(0x80 | 127);
        for (int shift = 56; shift >= 0; shift -= 8) {
          wire.write((int) ((long) len >> shift));
        }
      }
      wire.write(key, 0, 4);
      for (int i = 0; i < len; i++) {
        wire.write(p[i] ^ key[i % 4]);
      }
    }
    client.writeInPieces(wire.toByteArray(), 5);
    for (int i = 0; i < lengths.length; i++) {
      assertArrayEquals(payloads.get(i), client.readBinaryMessage(),
          "the echo of the " + lengths[i] + "-byte message");
    }
  }

  @Test
  void relaysOneMebibyteBinaryMessageByteExact() throws Exception {
    startEchoProxy();
    TestClient client = connect("/");
    UpstreamPeer.Conn up = upstream().awaitConnection(AWAIT);
    byte[] big = new byte[Limits.MIB];
    new Random(42).nextBytes(big);
    client.sendBinary(big);
    assertArrayEquals(big, (byte[]) up.next(AWAIT), "upstream got");
    assertArrayEquals(big, (byte[]) client.next(AWAIT), "client got the echo");
  }

  @Test
  void flushesEarlyFramesInOrderWhileUpstreamHandshakeIsDelayedInAcceptFirstMode()
      throws Exception {
    startEchoProxy(ConnectMode.ACCEPT_FIRST); // connect-first: the client's open itself waits
    upstream().holdHandshakes();
    TestClient client = connect("/early");
    assertEquals("/early", upstream().awaitHandshake(AWAIT));
    List<Object> sent = new ArrayList<>();
    CompletableFuture<?> last = null;
    for (int i = 0; i < 100; i++) {
      if (i % 3 == 0) {
        byte[] b = ("bin-" + i).getBytes(StandardCharsets.UTF_8);
        sent.add(b);
        last = client.sendBinary(b);
      } else {
        String t = "text-" + i;
        sent.add(t);
        last = client.sendText(t);
      }
    }
    last.get(AWAIT.toMillis(), TimeUnit.MILLISECONDS); // all written to the proxy's socket
    upstream().releaseHandshakes();
    UpstreamPeer.Conn up = upstream().awaitConnection(AWAIT);
    for (Object expected : sent) {
      assertMessage(expected, up.next(AWAIT), "upstream order");
    }
    for (Object expected : sent) {
      assertMessage(expected, client.next(AWAIT), "echo order");
    }
  }

  @Test
  void keepsOrderAcross50ConnectionsOf1000Messages() throws Exception {
    startEchoProxy();
    List<CompletableFuture<TestClient>> connecting = new ArrayList<>();
    for (int c = 0; c < CONNECTIONS; c++) {
      connecting.add(TestClient.connectAsync(proxyUri("/order")));
    }
    List<TestClient> clients = new ArrayList<>();
    for (CompletableFuture<TestClient> f : connecting) {
      clients.add(register(f.get(AWAIT.toMillis() * 2, TimeUnit.MILLISECONDS)));
    }
    for (int c = 0; c < CONNECTIONS; c++) {
      TestClient client = clients.get(c);
      for (int m = 0; m < MESSAGES_PER_CONNECTION; m++) {
        client.sendText(c + ":" + m);
      }
    }
    for (int c = 0; c < CONNECTIONS; c++) {
      TestClient client = clients.get(c);
      for (int m = 0; m < MESSAGES_PER_CONNECTION; m++) {
        assertEquals(c + ":" + m, client.next(AWAIT), "connection " + c + " message " + m);
      }
    }
  }

  @Test
  void relaysFragmentedMessagesWholeAndInOrder() throws Exception {
    startEchoProxy();
    FrameClient client = connectFrameClient("/frag");
    UpstreamPeer.Conn up = upstream().awaitConnection(AWAIT);
    client.sendFragmented(Opcode.TEXT, List.of(utf8("Hel"), utf8("lo, "), utf8("wörld")));
    byte[] bin = new byte[3 * 1000];
    new Random(7).nextBytes(bin);
    client.sendFragmented(Opcode.BINARY, List.of(slice(bin, 0, 1000), slice(bin, 1000, 2000),
        slice(bin, 2000, 3000)));
    client.send("after");
    assertEquals("Hello, wörld", up.next(AWAIT));
    assertArrayEquals(bin, (byte[]) up.next(AWAIT));
    assertEquals("after", up.next(AWAIT));
    assertEquals("Hello, wörld", client.next(AWAIT));
    assertArrayEquals(bin, (byte[]) client.next(AWAIT));
    assertEquals("after", client.next(AWAIT));

    up.sendFragmented(Opcode.TEXT, List.of(utf8("up"), utf8("stream "), utf8("parts")));
    up.send("tail");
    assertEquals("upstream parts", client.next(AWAIT));
    assertEquals("tail", client.next(AWAIT));
  }

  /** A, the euro sign (3 bytes), an emoji (4 bytes), z. */
  private static final String CUT_TEXT = "a\u20ac\ud83d\ude00z";

  /** {@link #CUT_TEXT} in four fragments, each but the first starting inside a character. */
  private static List<byte[]> cutFragments() {
    byte[] b = utf8(CUT_TEXT);
    return List.of(slice(b, 0, 2), slice(b, 2, 6), slice(b, 6, 7), slice(b, 7, 9));
  }

  @Test
  void relaysAClientsTextWhoseCharactersAreCutBetweenFragments() throws Exception {
    Pair p = echoPair();
    p.client().sendFragmented(Opcode.TEXT, cutFragments());
    assertEquals(CUT_TEXT, p.up().next(AWAIT), "upstream got");
    assertEquals(CUT_TEXT, p.client().next(AWAIT), "client got the echo");
  }

  @Test
  void relaysAnUpstreamsTextWhoseCharactersAreCutBetweenFragments() throws Exception {
    Pair p = echoPair();
    p.up().sendFragmented(Opcode.TEXT, cutFragments());
    assertEquals(CUT_TEXT, p.client().next(AWAIT), "client got the upstream's");
  }

  /** A frame client of an echo proxy, and its upstream connection. */
  private record Pair(FrameClient client, UpstreamPeer.Conn up) {}

  private Pair echoPair() throws Exception {
    startEchoProxy();
    FrameClient client = connectFrameClient("/cut");
    return new Pair(client, upstream().awaitConnection(AWAIT));
  }

  @Test
  void answersClientPingWithPong() throws Exception {
    startEchoProxy();
    TestClient client = connect("/");
    upstream().awaitConnection(AWAIT);
    client.ping(utf8("ping-1"));
    assertArrayEquals(utf8("ping-1"), client.nextPong(AWAIT));
    client.sendText("still relaying");
    assertEquals("still relaying", client.next(AWAIT));
  }

  @Test
  void answersUpstreamPingWithPong() throws Exception {
    startEchoProxy();
    TestClient client = connect("/");
    UpstreamPeer.Conn up = upstream().awaitConnection(AWAIT);
    up.ping(utf8("ping-up"));
    assertArrayEquals(utf8("ping-up"), up.nextPong(AWAIT), "upstream got its ping's data back");
    client.sendText("still relaying");
    assertEquals("still relaying", client.next(AWAIT));
  }

  // ---------------------------------------------------------------- handshake data

  @Test
  void keepsPathRemainderAndQueryForUpstream() throws Exception {
    String base = upstream().uri("/base").toString();
    startProxy(b -> b.route("/app", base));
    connect("/app/room/7?token=a%20b&x=1&x=2");
    UpstreamPeer.Conn up = upstream().awaitConnection(AWAIT);
    assertEquals("/base/room/7?token=a%20b&x=1&x=2", up.resource());
  }

  @Test
  void offersUpstreamOnlyTheClientsSubprotocolsTheRouteAllows() throws Exception {
    UpstreamPeer chat = startUpstream(List.of("chat", "other"), false);
    Route route = Route.to(chat.uri("")).withSubprotocols(List.of("v2", "chat"));
    startProxy(b -> b.routes(PathPrefixRoutes.builder().route("/", route).build()));
    TestClient client = connect("/", c -> c.subprotocols("other", "chat", "v2"));
    UpstreamPeer.Conn up = chat.awaitConnection(AWAIT);
    assertEquals(List.of("chat", "v2"), up.offeredProtocols(), "the allowed ones, client's order");
    assertEquals("chat", up.protocol());
    assertEquals("chat", client.subprotocol(), "the upstream's choice");
    client.sendText("in chat");
    assertEquals("in chat", client.next(AWAIT));
  }

  @Test
  void negotiatesRouteSubprotocolWithClientAndOffersOnlyItUpstreamInAcceptFirstMode()
      throws Exception {
    UpstreamPeer chat = startUpstream(List.of("chat", "other"), false);
    Route route = Route.to(chat.uri("")).withSubprotocols(List.of("v2", "chat"));
    startProxy(b -> b.routes(PathPrefixRoutes.builder().route("/", route).build())
        .connectMode(ConnectMode.ACCEPT_FIRST));
    TestClient client = connect("/", c -> c.subprotocols("other", "chat", "v2"));
    assertEquals("chat", client.subprotocol(), "first client offer the route accepts");
    UpstreamPeer.Conn up = chat.awaitConnection(AWAIT);
    assertEquals(List.of("chat"), up.offeredProtocols(), "only that one offered upstream");
    assertEquals("chat", up.protocol());
    client.sendText("in chat");
    assertEquals("in chat", client.next(AWAIT));
  }

  @Test
  void closesClientWithBadGatewayWhenUpstreamRefusesTheSubprotocolInAcceptFirstMode()
      throws Exception {
    UpstreamPeer picky = startUpstream(List.of("other"), false);
    Route route = Route.to(picky.uri("")).withSubprotocols(List.of("chat"));
    startProxy(b -> b.routes(PathPrefixRoutes.builder().route("/", route).build())
        .connectMode(ConnectMode.ACCEPT_FIRST));
    TestClient client = connect("/", c -> c.subprotocols("chat"));
    assertEquals("chat", client.subprotocol());
    assertEquals(CloseCodes.BAD_GATEWAY, client.awaitClose(PROMPTLY).code());
    awaitNoProxyConnections();
  }

  @Test
  void setsForwardedHeadersAndReplacesClientSentOnes() throws Exception {
    startEchoProxy();
    connect("/", c -> c.header("X-Forwarded-For", "203.0.113.9")
        .header("X-Forwarded-Proto", "https")
        .header("X-Forwarded-Host", "evil.example")
        .header("X-Custom", "kept"));
    UpstreamPeer.Conn up = upstream().awaitConnection(AWAIT);
    assertEquals("127.0.0.1", up.header("X-Forwarded-For"));
    assertEquals("http", up.header("X-Forwarded-Proto"));
    assertEquals("127.0.0.1:" + proxyPort(), up.header("X-Forwarded-Host"));
    assertEquals("kept", up.header("X-Custom"));
  }

  // ---------------------------------------------------------------- helpers

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] slice(byte[] b, int from, int to) {
    return java.util.Arrays.copyOfRange(b, from, to);
  }

  private static void assertMessage(Object expected, Object actual, String what) {
    if (expected instanceof byte[] e) {
      assertTrue(actual instanceof byte[], what + ": expected binary, got " + actual);
      assertArrayEquals(e, (byte[]) actual, what);
    } else {
      assertEquals(expected, actual, what);
    }
  }
}
