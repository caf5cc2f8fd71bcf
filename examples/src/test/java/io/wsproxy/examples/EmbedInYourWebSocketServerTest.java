package io.wsproxy.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.CloseCodes;
import io.wsproxy.WebSocketProxy;
import io.wsproxy.javawebsocket.JavaWebSocketEndpointServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The host's own server keeps its path and delegates the rest to the proxy. */
class EmbedInYourWebSocketServerTest {

  private static final InetSocketAddress ANY_PORT = new InetSocketAddress("127.0.0.1", 0);

  private JavaWebSocketEndpointServer backend;
  private WebSocketProxy proxy;
  private EmbedInYourWebSocketServer server;

  @BeforeEach
  void start() throws Exception {
    backend = JavaWebSocketEndpointServer.start(ANY_PORT, new EchoEndpoint());
    proxy = WebSocketProxy.builder().route("/echo", "ws://127.0.0.1:" + backend.port()).build();
    server = EmbedInYourWebSocketServer.start(ANY_PORT, proxy);
  }

  @AfterEach
  void stop() {
    server.close();
    proxy.close();
    backend.close();
  }

  private URI url(String path) {
    return URI.create("ws://127.0.0.1:" + server.getPort() + path);
  }

  @Test
  void servesItsOwnPathItselfAndProxiesTheRest() throws Exception {
    try (WsClient app = WsClient.connect(url("/app"));
        WsClient proxied = WsClient.connect(url("/echo/room?x=1"))) {
      assertEquals("welcome to /app", app.next());
      app.send("hi");
      assertEquals(EmbedInYourWebSocketServer.APP_REPLY_PREFIX + "hi", app.next());

      proxied.send("hi");
      assertEquals("hi", proxied.next(), "the echo backend answered through the proxy");
      assertEquals(1, proxy.connectionCount());
    }
  }

  @Test
  void pathsNoRouteServesAreRefusedByTheProxyWith404() {
    assertEquals(404, WsClient.refusedStatus(url("/apple"), Map.of()));
    assertEquals(404, WsClient.refusedStatus(url("/"), Map.of()));
  }

  @Test
  void closingTheServerClosesOwnAndProxiedClientsWith1001() throws Exception {
    WsClient app = WsClient.connect(url("/app"));
    WsClient proxied = WsClient.connect(url("/echo"));
    proxied.send("ready");
    assertEquals("ready", proxied.next());
    server.close();
    assertEquals(CloseCodes.GOING_AWAY, app.awaitClose().code());
    assertEquals(CloseCodes.GOING_AWAY, proxied.awaitClose().code());
  }

  @Test
  void startFailsWithAnIoExceptionWhenThePortIsTaken() throws Exception {
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      assertThrows(IOException.class, () -> EmbedInYourWebSocketServer.start(
          new InetSocketAddress("127.0.0.1", busy.getLocalPort()), proxy));
    }
  }

  @Test
  void ownPathMatchesOnSegmentBoundaries() {
    assertTrue(EmbedInYourWebSocketServer.isAppPath("/app"));
    assertTrue(EmbedInYourWebSocketServer.isAppPath("/app/chat"));
    assertTrue(EmbedInYourWebSocketServer.isAppPath("/app?user=1"));
    assertFalse(EmbedInYourWebSocketServer.isAppPath("/apple"));
    assertFalse(EmbedInYourWebSocketServer.isAppPath("/echo/app"));
  }
}
