package io.wsproxy.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.Limits;
import io.wsproxy.WebSocketProxy;
import io.wsproxy.conformance.UpstreamPeer;
import io.wsproxy.netty.NettyUpstreamConnectorTest.CannedUpstream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Connect-first through the Netty server and connector: the client's upgrade waits for the
 * upstream's, and gets its subprotocol or its failure as an HTTP status.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConnectFirstOnNettyTest extends Resources {

  private int proxyTo(String upstream) throws Exception {
    NettyUpstreamConnector connector = register(new NettyUpstreamConnector());
    WebSocketProxy proxy = register(WebSocketProxy.builder().connector(connector)
        .limits(Limits.builder().connectTimeout(Duration.ofSeconds(2)).build())
        .route("/", upstream).build());
    return register(NettyEndpointServer.builder(proxy).eventLoopThreads(1)
        .start(new InetSocketAddress("127.0.0.1", 0))).port();
  }

  private int statusOfUpgrade(int port) throws Exception {
    RawSocket s = register(RawSocket.connect(port, AWAIT));
    s.send(RawSocket.upgrade("/", port));
    return s.readResponse().status();
  }

  @Test
  void givesTheClientTheSubprotocolTheUpstreamChoseFromItsOffer() throws Exception {
    UpstreamPeer peer = register(UpstreamPeer.start(List.of("v2"), false));
    int port = proxyTo(peer.uri("").toString());
    WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("v1", "v2")
        .buildAsync(URI.create("ws://127.0.0.1:" + port + "/"), new WebSocket.Listener() {})
        .get(AWAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertEquals("v2", ws.getSubprotocol());
    assertEquals("v1, v2", peer.awaitConnection(AWAIT).header("Sec-WebSocket-Protocol"));
    ws.abort();
  }

  @Test
  void answers502WhenNothingListensUpstream() throws Exception {
    int refused;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      refused = s.getLocalPort();
    }
    assertEquals(502, statusOfUpgrade(proxyTo("ws://127.0.0.1:" + refused)));
  }

  @Test
  void relaysTheUpstreams403() throws Exception {
    CannedUpstream up = register(new CannedUpstream(key ->
        "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"));
    assertEquals(403, statusOfUpgrade(proxyTo("ws://127.0.0.1:" + up.port())));
  }

  @Test
  void answers502ForABroken101() throws Exception {
    CannedUpstream up = register(new CannedUpstream(key -> "HTTP/1.1 101 Switching Protocols\r\n"
        + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: bm9wZQ==\r\n\r\n"));
    assertEquals(502, statusOfUpgrade(proxyTo("ws://127.0.0.1:" + up.port())));
  }

  @Test
  void cancelsTheDialWhenTheClientLeavesFirst() throws Exception {
    CannedUpstream up = register(new CannedUpstream(null)); // takes the upgrade, never answers
    int port = proxyTo("ws://127.0.0.1:" + up.port());
    RawSocket s = RawSocket.connect(port, AWAIT);
    s.send(RawSocket.upgrade("/", port));
    assertTrue(up.requestSeen.await(AWAIT.toMillis(), TimeUnit.MILLISECONDS), "dialled");
    s.close();
    assertTrue(up.closedByPeer.await(AWAIT.toMillis(), TimeUnit.MILLISECONDS),
        "the dial was given up");
  }
}
