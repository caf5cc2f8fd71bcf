package io.wsproxy.javawebsocket;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.handshake.ServerHandshake;

/** A Java-WebSocket test client, for what the JDK client cannot do (code-less close, raw drops). */
final class JwsTestClient extends WebSocketClient {

  final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
  final CompletableFuture<CloseEvent> closed = new CompletableFuture<>();

  private JwsTestClient(URI uri) {
    super(uri);
    setDaemon(true);
    setConnectionLostTimeout(0);
  }

  static JwsTestClient connect(URI uri) throws Exception {
    JwsTestClient client = new JwsTestClient(uri);
    if (!client.connectBlocking(JdkClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      throw new IllegalStateException("could not connect to " + uri);
    }
    return client;
  }

  /** Sends a close frame with an empty payload (no code), which RFC 6455 allows. */
  void sendCloseWithoutCode() {
    CloseFrame frame = new CloseFrame();
    frame.setCode(CloseFrame.NOCODE);
    sendFrame(frame);
  }

  @Override
  public void onOpen(ServerHandshake handshake) {}

  @Override
  public void onMessage(String message) {
    texts.add(message);
  }

  @Override
  public void onMessage(ByteBuffer bytes) {}

  @Override
  public void onClose(int code, String reason, boolean remote) {
    closed.complete(new CloseEvent(code, reason, remote));
  }

  @Override
  public void onError(Exception ex) {}
}
