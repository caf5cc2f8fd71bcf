package io.wsproxy.javawebsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wsproxy.CloseCodes;
import io.wsproxy.conformance.RawClient;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client's end of stream (TCP FIN) that arrives together with its last frames: Java-WebSocket
 * sees the end of stream on its selector thread while a worker still decodes those frames, and would
 * drop them. The server must deliver them first, then end the connection.
 */
class EndOfStreamTest {

  private static final long WAIT = JdkClient.TIMEOUT.toSeconds();
  /** Clients per test, one after another: the race these tests hunt does not show every time. */
  static final int CLIENTS = 20;

  private TestEndpoint endpoint;
  private JavaWebSocketEndpointServer server;

  @BeforeEach
  void start() throws Exception {
    endpoint = new TestEndpoint();
    server = JavaWebSocketEndpointServer.start(new InetSocketAddress("127.0.0.1", 0), endpoint);
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  @Test
  void deliversLastMessageAndCloseCodeOfAClientThatHalfClosesWithItsCloseFrame() throws Exception {
    assertHalfClosingClientsKeepLastMessageAndClose(server.port(), endpoint);
  }

  @Test
  void answersTheCloseOfAJdkClientWhichHalfClosesRightAfterIt() throws Exception {
    URI uri = URI.create("ws://127.0.0.1:" + server.port() + "/silent");
    assertJdkClientsKeepLastMessageAndGetTheirCloseAnswered(() -> JdkClient.connect(uri), endpoint);
  }

  /**
   * {@link #CLIENTS} raw clients of {@code endpoint} on {@code port}, one after another, each sending
   * a message, a close frame and its FIN in one go: the endpoint gets the message and the close code.
   */
  static void assertHalfClosingClientsKeepLastMessageAndClose(int port, TestEndpoint endpoint)
      throws Exception {
    for (int i = 0; i < CLIENTS; i++) {
      try (RawClient client = RawClient.connect(port, "/echo", JdkClient.TIMEOUT)) {
        RecordingListener listener = endpoint.opened.poll(WAIT, TimeUnit.SECONDS);
        client.sendTextThenCloseAndHalfClose("last " + i, 4000, "bye");
        assertEquals("last " + i, listener.texts.poll(WAIT, TimeUnit.SECONDS), "client " + i);
        assertEquals(new CloseEvent(4000, "bye", true),
            listener.closed.get(WAIT, TimeUnit.SECONDS), "client " + i);
      }
    }
  }

  /**
   * {@link #CLIENTS} JDK clients from {@code connect} (to a non-echoing path of {@code endpoint}), one
   * after another, each sending a message and its close (the JDK client half-closes right after):
   * the endpoint gets both, and the client gets the server's close frame, not a bare end of stream.
   */
  static void assertJdkClientsKeepLastMessageAndGetTheirCloseAnswered(
      Callable<JdkClient> connect, TestEndpoint endpoint) throws Exception {
    for (int i = 0; i < CLIENTS; i++) {
      JdkClient client = connect.call();
      RecordingListener listener = endpoint.opened.poll(WAIT, TimeUnit.SECONDS);
      client.ws.sendText("last " + i, true);
      client.ws.sendClose(4000, "bye"); // the JDK client shuts its output down once this is sent
      assertEquals("last " + i, listener.texts.poll(WAIT, TimeUnit.SECONDS), "client " + i);
      assertEquals(new CloseEvent(4000, "bye", true),
          listener.closed.get(WAIT, TimeUnit.SECONDS), "client " + i);
      assertEquals(new CloseEvent(4000, "bye", true), client.awaitClose(), "client " + i);
    }
  }

  @Test
  void deliversLastMessageThenClosesAbnormallyWhenAClientDropsRightAfterIt() throws Exception {
    for (int i = 0; i < CLIENTS; i++) {
      try (RawClient client = RawClient.connect(server.port(), "/silent", JdkClient.TIMEOUT)) {
        RecordingListener listener = endpoint.opened.poll(WAIT, TimeUnit.SECONDS);
        client.sendText("last " + i);
        client.dropTcp();
        assertEquals("last " + i, listener.texts.poll(WAIT, TimeUnit.SECONDS), "client " + i);
        assertEquals(CloseCodes.ABNORMAL, listener.closed.get(WAIT, TimeUnit.SECONDS).code(),
            "client " + i);
      }
    }
  }

  @Test
  void closesAbnormallyAtOnceWhenAnIdleClientDrops() throws Exception {
    try (RawClient client = RawClient.connect(server.port(), "/silent", JdkClient.TIMEOUT)) {
      RecordingListener listener = endpoint.opened.poll(WAIT, TimeUnit.SECONDS);
      listener.opened.get(WAIT, TimeUnit.SECONDS);
      client.dropTcp();
      assertEquals(new CloseEvent(CloseCodes.ABNORMAL, "", true),
          listener.closed.get(WAIT, TimeUnit.SECONDS));
      assertEquals(0, server.connectionCount());
    }
  }
}
