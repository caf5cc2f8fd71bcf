package io.wsproxy.conformance;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A WebSocket client for the kit on the JDK's {@code java.net.http.WebSocket}: joins partial messages,
 * records messages, pongs and the close, and chains sends (the JDK allows one pending send).
 *
 * <p><b>Threading.</b> Thread-safe: sends are chained under this object's monitor; events are
 * recorded in thread-safe queues and futures. {@link #close()} aborts the connection.
 */
public final class TestClient implements AutoCloseable {

  /** One HTTP client for every test client: its selector thread lives as long as the JVM. */
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(10)).build();
  /** How long an upgrade may take. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private final BlockingQueue<Object> messages = new LinkedBlockingQueue<>(); // String or byte[]
  private final BlockingQueue<byte[]> pongs = new LinkedBlockingQueue<>();
  private final java.util.concurrent.atomic.AtomicInteger pings =
      new java.util.concurrent.atomic.AtomicInteger();
  private final CompletableFuture<Close> closed = new CompletableFuture<>();
  private volatile WebSocket ws;
  private CompletableFuture<?> lastSend = CompletableFuture.completedFuture(null); // guarded by this

  private TestClient() {}

  /** Connects to {@code uri}; fails the test if the upgrade does not succeed in time. */
  public static TestClient connect(URI uri) throws Exception {
    return connect(uri, b -> {});
  }

  /** Starts connecting to {@code uri}; the future completes with the open client. */
  public static CompletableFuture<TestClient> connectAsync(URI uri) {
    TestClient c = new TestClient();
    return HTTP.newWebSocketBuilder().connectTimeout(CONNECT_TIMEOUT)
        .buildAsync(uri, c.new Listener())
        .thenApply(ws -> {
          c.ws = ws;
          return c;
        });
  }

  /** Connects to {@code uri} after {@code customise} has set headers or subprotocols. */
  public static TestClient connect(URI uri, Consumer<WebSocket.Builder> customise)
      throws Exception {
    TestClient c = new TestClient();
    WebSocket.Builder b = HTTP.newWebSocketBuilder().connectTimeout(CONNECT_TIMEOUT);
    customise.accept(b);
    c.ws = b.buildAsync(uri, c.new Listener())
        .get(CONNECT_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
    return c;
  }

  /** The subprotocol the server selected, or {@code ""}. */
  public String subprotocol() {
    return ws.getSubprotocol();
  }

  public synchronized CompletableFuture<?> sendText(String text) {
    return chain(() -> ws.sendText(text, true));
  }

  public synchronized CompletableFuture<?> sendBinary(byte[] data) {
    return chain(() -> ws.sendBinary(ByteBuffer.wrap(data), true));
  }

  public synchronized CompletableFuture<?> ping(byte[] data) {
    return chain(() -> ws.sendPing(ByteBuffer.wrap(data)));
  }

  /** Starts the closing handshake. */
  public synchronized CompletableFuture<?> close(int code, String reason) {
    return chain(() -> ws.sendClose(code, reason));
  }

  private CompletableFuture<?> chain(java.util.function.Supplier<CompletableFuture<WebSocket>> send) {
    lastSend = lastSend.thenCompose(x -> send.get());
    return lastSend;
  }

  /** The next whole message (String or byte[]), waiting at most {@code timeout}. */
  public Object next(Duration timeout) throws InterruptedException {
    return Awaits.next(messages, timeout, "client received no message");
  }

  /** The next pong's payload, waiting at most {@code timeout}. */
  public byte[] nextPong(Duration timeout) throws InterruptedException {
    return Awaits.next(pongs, timeout, "client received no pong");
  }

  /** The close the server sent (or 1006 and the error), waiting at most {@code timeout}. */
  public Close awaitClose(Duration timeout) throws Exception {
    return Awaits.get(closed, timeout, "client not closed");
  }

  /** Completes when the connection ends. */
  public CompletableFuture<Close> closed() {
    return closed;
  }

  /** Aborts the connection (no closing handshake). Idempotent. */
  @Override
  public void close() {
    WebSocket w = ws;
    if (w != null) {
      w.abort();
    }
  }

  /** Pings this client received (the proxy's keepalive). */
  public int pingsReceived() {
    return pings.get();
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

    @Override
    public void onOpen(WebSocket webSocket) {
      webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        messages.add(text.toString());
        text.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      byte[] chunk = new byte[data.remaining()];
      data.get(chunk);
      binary.write(chunk, 0, chunk.length);
      if (last) {
        messages.add(binary.toByteArray());
        binary.reset();
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
      byte[] p = new byte[message.remaining()];
      message.get(p);
      pongs.add(p);
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
      pings.incrementAndGet(); // the JDK client answers it with a pong itself
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete(new Close(statusCode, reason, true));
      return null; // the JDK answers the close with the same code
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.complete(new Close(1006, error.toString(), true));
    }
  }
}
