package io.wsproxy.javawebsocket;

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

/** A test client on {@code java.net.http.WebSocket} that queues what it receives. */
final class JdkClient implements WebSocket.Listener {

  static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
  final BlockingQueue<ByteBuffer> binaries = new LinkedBlockingQueue<>();
  final CompletableFuture<CloseEvent> closed = new CompletableFuture<>();
  private final StringBuilder text = new StringBuilder();
  private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
  WebSocket ws;

  /** Starts an upgrade; the future fails with the JDK's handshake error if it is refused. */
  static CompletableFuture<JdkClient> attempt(URI uri, String... subprotocols) {
    JdkClient client = new JdkClient();
    WebSocket.Builder b = HTTP.newWebSocketBuilder().connectTimeout(TIMEOUT);
    if (subprotocols.length > 0) {
      String[] rest = new String[subprotocols.length - 1];
      System.arraycopy(subprotocols, 1, rest, 0, rest.length);
      b.subprotocols(subprotocols[0], rest);
    }
    return b.buildAsync(uri, client).thenApply(ws -> {
      client.ws = ws;
      return client;
    });
  }

  static JdkClient connect(URI uri, String... subprotocols) throws Exception {
    return attempt(uri, subprotocols).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  String nextText() throws InterruptedException {
    return texts.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  ByteBuffer nextBinary() throws InterruptedException {
    return binaries.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  CloseEvent awaitClose() throws Exception {
    return closed.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    text.append(data);
    if (last) {
      texts.add(text.toString());
      text.setLength(0);
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
    byte[] bytes = new byte[data.remaining()];
    data.get(bytes);
    binary.writeBytes(bytes);
    if (last) {
      binaries.add(ByteBuffer.wrap(binary.toByteArray()));
      binary.reset();
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closed.complete(new CloseEvent(statusCode, reason, true));
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closed.completeExceptionally(error);
  }
}
