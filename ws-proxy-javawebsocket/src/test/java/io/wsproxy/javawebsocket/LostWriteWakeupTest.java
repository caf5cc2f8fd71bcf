package io.wsproxy.javawebsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.drafts.Draft;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.server.WebSocketServer;
import org.junit.jupiter.api.Test;

/**
 * Java-WebSocket 1.6.0 can lose a write wakeup: its selector empties a connection's queue and then
 * sets read-only interest, overwriting a worker's concurrent request for write interest. This test
 * puts a connection into exactly that state — a frame queued, write interest cleared — and proves
 * the adapter's sweep delivers the frame anyway, long before the 60 s connection-lost ping would.
 */
class LostWriteWakeupTest {

  @Test
  void deliversAFrameWhoseWriteWakeupWasLost() throws Exception {
    TestEndpoint quiet = new TestEndpoint();
    JavaWebSocketAdapter adapter = new JavaWebSocketAdapter(quiet);
    WebSocketServer server = new WebSocketServer(new InetSocketAddress("127.0.0.1", 0)) {
      @Override
      public ServerHandshakeBuilder onWebsocketHandshakeReceivedAsServer(
          org.java_websocket.WebSocket c, Draft d, ClientHandshake h) throws InvalidDataException {
        return adapter.onWebsocketHandshakeReceivedAsServer(c, d, h);
      }

      @Override
      public void onOpen(org.java_websocket.WebSocket c, ClientHandshake h) {
        adapter.onOpen(c, h);
      }

      @Override
      public void onMessage(org.java_websocket.WebSocket c, String m) {
        adapter.onMessage(c, m);
      }

      @Override
      public void onClose(org.java_websocket.WebSocket c, int code, String r, boolean remote) {
        adapter.onClose(c, code, r, remote);
      }

      @Override
      public void onError(org.java_websocket.WebSocket c, Exception e) {
        adapter.onError(c, e);
      }

      @Override
      public void onStart() {}
    };
    adapter.install(server);
    server.start();
    BlockingQueue<String> received = new LinkedBlockingQueue<>();
    WebSocket client = null;
    try {
      awaitPort(server);
      client = HttpClient.newHttpClient().newWebSocketBuilder()
          .buildAsync(URI.create("ws://127.0.0.1:" + server.getPort() + "/silent"),
              new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                  received.add(data.toString());
                  ws.request(1);
                  return null;
                }
              }).get(10, TimeUnit.SECONDS);
      assertNotNull(quiet.opened.poll(10, TimeUnit.SECONDS));
      WebSocketImpl conn = assertInstanceOf(WebSocketImpl.class,
          server.getConnections().iterator().next());

      // the lost-wakeup state: a frame in the queue, and the key interested in reads only
      byte[] text = "late frame".getBytes(StandardCharsets.UTF_8);
      ByteBuffer frame = ByteBuffer.allocate(2 + text.length);
      frame.put((byte) 0x81).put((byte) text.length).put(text).flip();
      conn.getSelectionKey().interestOps(SelectionKey.OP_READ);
      conn.outQueue.put(frame);

      assertEquals("late frame", received.poll(5, TimeUnit.SECONDS),
          "the frame must go out without another write demand");
    } finally {
      if (client != null) {
        client.abort();
      }
      server.stop(2000);
      adapter.close();
    }
  }

  private static void awaitPort(WebSocketServer server) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (server.getPort() <= 0 && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
  }
}
