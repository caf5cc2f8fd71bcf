package io.wsproxy.conformance;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.enums.Opcode;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.handshake.ServerHandshake;

/**
 * A Java-WebSocket client for what the JDK client cannot do: send a message as several frames.
 * Records whole messages and the close. It runs two threads of its own until it is closed.
 */
public final class FrameClient extends WebSocketClient implements AutoCloseable {

  /** How long {@link #close()} waits for the server's close frame before cutting the socket. */
  static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

  private final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
  private final CompletableFuture<Close> closed = new CompletableFuture<>();

  private final List<String> burstOnOpen;

  private FrameClient(URI uri, List<String> burstOnOpen) {
    super(uri);
    this.burstOnOpen = burstOnOpen;
  }

  /** Connects to {@code uri}; fails the test if the upgrade does not succeed in time. */
  public static FrameClient connect(URI uri) throws InterruptedException {
    return connectSendingOnOpen(uri, List.of());
  }

  /**
   * Connects to {@code uri} and sends {@code burst}, one text message each, from inside its
   * {@code onOpen} callback: the messages leave right behind the 101, as a browser page that sends
   * in its {@code onopen} handler does.
   */
  public static FrameClient connectSendingOnOpen(URI uri, List<String> burst)
      throws InterruptedException {
    FrameClient c = new FrameClient(uri, List.copyOf(burst));
    if (!c.connectBlocking(TestClient.CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      c.close();
      throw new AssertionError("Java-WebSocket client could not connect to " + uri);
    }
    return c;
  }

  /** Sends one message as one frame per part (continuation frames after the first). */
  public void sendFragmented(Opcode opcode, List<byte[]> parts) {
    for (int i = 0; i < parts.size(); i++) {
      sendFragmentedFrame(opcode, ByteBuffer.wrap(parts.get(i)), i == parts.size() - 1);
    }
  }

  /** The next whole message (String or byte[]), waiting at most {@code timeout}. */
  public Object next(Duration timeout) throws InterruptedException {
    return Awaits.next(messages, timeout, "client received no message");
  }

  /** The close, waiting at most {@code timeout}. */
  public Close awaitClose(Duration timeout) throws Exception {
    return Awaits.get(closed, timeout, "client not closed");
  }

  /** Closes with 1000, or cuts the connection if the server does not answer in time. */
  @Override
  public void close() {
    super.close();
    try {
      closed.get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      getConnection().closeConnection(CloseFrame.ABNORMAL_CLOSE, "no close answer");
    }
  }

  @Override
  public void onOpen(ServerHandshake handshake) {
    burstOnOpen.forEach(this::send);
  }

  @Override
  public void onMessage(String message) {
    messages.add(message);
  }

  @Override
  public void onMessage(ByteBuffer bytes) {
    byte[] b = new byte[bytes.remaining()];
    bytes.get(b);
    messages.add(b);
  }

  @Override
  public void onClose(int code, String reason, boolean remote) {
    closed.complete(new Close(code, reason, remote));
  }

  @Override
  public void onError(Exception ex) {
    // an onClose follows
  }
}
