package io.wsproxy.javawebsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.java_websocket.server.DefaultWebSocketServerFactory;
import org.java_websocket.server.WebSocketServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A host's own {@link WebSocketServer} delegating to the adapter, as the adapter's Javadoc shows. */
class HostEmbeddingTest {

  private static final long WAIT = JdkClient.TIMEOUT.toSeconds();

  /** The embedding from the adapter's Javadoc, plus a latch to learn the port. */
  static final class HostServer extends WebSocketServer {
    final JavaWebSocketAdapter adapter;
    final CountDownLatch started = new CountDownLatch(1);

    HostServer(JavaWebSocketAdapter adapter, List<Draft> drafts) {
      super(new InetSocketAddress("127.0.0.1", 0), drafts);
      this.adapter = adapter;
      adapter.configure(this);
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

  private HostServer start(TestEndpoint endpoint, boolean useAdapterDrafts) throws Exception {
    return start(endpoint, useAdapterDrafts, false);
  }

  private HostServer start(TestEndpoint endpoint, boolean useAdapterDrafts,
      boolean useAdapterFactory) throws Exception {
    JavaWebSocketAdapter adapter = new JavaWebSocketAdapter(endpoint);
    host = new HostServer(adapter, useAdapterDrafts ? adapter.drafts() : List.of(new Draft_6455()));
    if (useAdapterFactory) {
      host.setWebSocketFactory(adapter.serverFactory(new DefaultWebSocketServerFactory()));
    }
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

  @Test
  void keepsTheLastMessageAndCloseOfAHalfClosingClientWithTheAdaptersFactory() throws Exception {
    TestEndpoint endpoint = new TestEndpoint();
    HostServer server = start(endpoint, true, true);
    EndOfStreamTest.assertHalfClosingClientsKeepLastMessageAndClose(server.getPort(), endpoint);
  }

  @Test
  void refusesEveryUpgradeWhenTheHostDoesNotLimitFrameSizes() throws Exception {
    TestEndpoint endpoint = new TestEndpoint();
    HostServer server = start(endpoint, false);
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> JdkClient.attempt(server.uri("/echo")).get(WAIT, TimeUnit.SECONDS));
    assertEquals(500, assertInstanceOf(WebSocketHandshakeException.class, e.getCause())
        .getResponse().statusCode());
    assertTrue(endpoint.handshakes.isEmpty(), "the endpoint is not asked");
  }
}
