package io.wsproxy.javawebsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.Limits;
import io.wsproxy.RejectionMode;
import io.wsproxy.conformance.TestLog;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.java_websocket.WebSocket;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.server.WebSocketServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/** A host's own {@link WebSocketServer} delegating to the adapter, as the adapter's Javadoc shows. */
@Isolated // reads the log
class HostEmbeddingTest {

  private static final long WAIT = JdkClient.TIMEOUT.toSeconds();

  /** The embedding from the adapter's Javadoc, plus a latch to learn the port. */
  static final class HostServer extends WebSocketServer {
    final JavaWebSocketAdapter adapter;
    final CountDownLatch started = new CountDownLatch(1);

    HostServer(JavaWebSocketAdapter adapter, List<Draft> drafts, boolean install) {
      super(new InetSocketAddress("127.0.0.1", 0), drafts);
      this.adapter = adapter;
      if (install) {
        adapter.install(this); // the one setup step
      }
    }

    @Override
    public ServerHandshakeBuilder onWebsocketHandshakeReceivedAsServer(WebSocket c, Draft d,
        ClientHandshake h) throws InvalidDataException {
      return adapter.onWebsocketHandshakeReceivedAsServer(c, d, h);
    }

    @Override
    public void onOpen(WebSocket c, ClientHandshake h) {
      adapter.onOpen(c, h);
    }

    @Override
    public void onMessage(WebSocket c, String m) {
      adapter.onMessage(c, m);
    }

    @Override
    public void onMessage(WebSocket c, ByteBuffer m) {
      adapter.onMessage(c, m);
    }

    @Override
    public void onClose(WebSocket c, int code, String reason, boolean remote) {
      adapter.onClose(c, code, reason, remote);
    }

    @Override
    public void onError(WebSocket c, Exception e) {
      adapter.onError(c, e);
    }

    @Override
    public void onStart() {
      started.countDown();
    }

    URI uri(String path) {
      return URI.create("ws://127.0.0.1:" + getPort() + path);
    }
  }

  private HostServer host;

  private HostServer start(TestEndpoint endpoint, boolean install) throws Exception {
    JavaWebSocketAdapter adapter = new JavaWebSocketAdapter(endpoint);
    // Java-WebSocket's own draft, unbounded: install must make the drafts irrelevant
    host = new HostServer(adapter, List.of(new Draft_6455()), install);
    host.start();
    assertTrue(host.started.await(WAIT, TimeUnit.SECONDS));
    return host;
  }

  @AfterEach
  void stop() throws Exception {
    if (host != null) {
      host.stop((int) TimeUnit.SECONDS.toMillis(WAIT));
      host.adapter.close();
    }
  }

  @Test
  void servesTheEndpointFromTheHostsOwnServer() throws Exception {
    TestEndpoint endpoint = new TestEndpoint();
    HostServer server = start(endpoint, true);
    JdkClient client = JdkClient.connect(server.uri("/echo"), "chat");
    assertEquals("chat", client.ws.getSubprotocol());
    client.ws.sendText("from the host", true);
    assertEquals("from the host", client.nextText());
    assertTrue(server.adapter.serves(server.getConnections().iterator().next()));
    client.ws.sendClose(1000, "");
    assertEquals(1000, endpoint.opened.poll(WAIT, TimeUnit.SECONDS).closed
        .get(WAIT, TimeUnit.SECONDS).code());
  }

  /**
   * A host that does not forward {@code onWebsocketPong} (the README's embedding does not) must
   * still keep its idle proxied connections: the proxy's keepalive needs the client's pongs, and
   * the adapter's draft reports them itself.
   */
  @Test
  void keepsIdleProxiedConnectionsOfAHostThatDoesNotForwardPongs() throws Exception {
    try (io.wsproxy.conformance.UpstreamPeer upstream = io.wsproxy.conformance.UpstreamPeer.start();
        io.wsproxy.WebSocketProxy proxy = io.wsproxy.WebSocketProxy.builder()
            .connector(new JavaWebSocketUpstreamConnector())
            .limits(Limits.builder().keepaliveInterval(java.time.Duration.ofMillis(100)).build())
            .route("/", upstream.uri("").toString()).build()) {
      JavaWebSocketAdapter adapter = new JavaWebSocketAdapter(proxy);
      host = new HostServer(adapter, List.of(new Draft_6455()), true);
      host.start();
      assertTrue(host.started.await(WAIT, TimeUnit.SECONDS));
      io.wsproxy.conformance.TestClient client =
          io.wsproxy.conformance.TestClient.connect(host.uri("/"));
      client.sendText("hi");
      assertEquals("hi", client.next(java.time.Duration.ofSeconds(WAIT)));
      assertTrue(io.wsproxy.conformance.ThreadLeaks.await(java.time.Duration.ofSeconds(WAIT),
          () -> client.pingsReceived() >= 5), "pinged: " + client.pingsReceived());
      client.sendText("still there");
      assertEquals("still there", client.next(java.time.Duration.ofSeconds(WAIT)),
          "five answered keepalive pings later the connection is still open");
      client.close(1000, "done");
    }
  }

  @Test
  void keepsTheLastMessageAndCloseOfAHalfClosingClient() throws Exception {
    TestEndpoint endpoint = new TestEndpoint();
    HostServer server = start(endpoint, true);
    EndOfStreamTest.assertHalfClosingClientsKeepLastMessageAndClose(server.getPort(), endpoint);
  }

  @Test
  void limitsFramesWhateverDraftsTheHostsServerWasBuiltWith() throws Exception {
    int limit = 64 * Limits.KIB; // a forged 64-bit length is minimal from here on
    TestEndpoint endpoint = new TestEndpoint(Limits.builder().maxFrameSize(limit).build(),
        RejectionMode.HTTP_STATUS);
    HostServer server = start(endpoint, true);
    try (E2eRawClient offender = E2eRawClient.upgrade(server.getPort(), "/echo")) {
      offender.sendForgedBinaryHeader(limit + 1);
      assertEquals(1009, offender.answer().closeCode());
    }
  }

  @Test
  void refusesEveryUpgradeWithOneClearErrorWhenTheAdapterWasNotInstalled() throws Exception {
    TestEndpoint endpoint = new TestEndpoint();
    String log = TestLog.during(() -> {
      HostServer server = start(endpoint, false);
      for (int i = 0; i < 2; i++) {
        ExecutionException e = assertThrows(ExecutionException.class,
            () -> JdkClient.attempt(server.uri("/echo")).get(WAIT, TimeUnit.SECONDS));
        assertEquals(500, assertInstanceOf(WebSocketHandshakeException.class, e.getCause())
            .getResponse().statusCode());
      }
    });
    assertTrue(endpoint.handshakes.isEmpty(), "the endpoint is not asked");
    assertEquals(1, log.split("adapter.install\\(server\\)", -1).length - 1, log);
  }
}
