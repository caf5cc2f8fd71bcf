package io.wsproxy.examples;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A test client on {@code java.net.http.WebSocket}: queues the texts it receives, records the close. */
final class WsClient implements WebSocket.Listener, AutoCloseable {

  /** Longest any test waits for one event. */
  static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** A close frame the client received. */
  record Close(int code, String reason) {}

  private final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
  private final CompletableFuture<Close> closed = new CompletableFuture<>();
  private final StringBuilder partial = new StringBuilder(); // guarded by the JDK's one-at-a-time delivery
  private WebSocket ws;

  private WsClient() {}

  /** Starts an upgrade with extra request headers; fails with the JDK's error if it is refused. */
  static CompletableFuture<WsClient> attempt(URI uri, Map<String, String> headers) {
    WsClient client = new WsClient();
    WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(TIMEOUT);
    headers.forEach(builder::header);
    return builder.buildAsync(uri, client).thenApply(ws -> {
      client.ws = ws;
      return client;
    });
  }

  static WsClient connect(URI uri) throws Exception {
    return connect(uri, Map.of());
  }

  static WsClient connect(URI uri, Map<String, String> headers) throws Exception {
    return attempt(uri, headers).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  /** The HTTP status an upgrade to {@code uri} is refused with. */
  static int refusedStatus(URI uri, Map<String, String> headers) {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> attempt(uri, headers).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
    return assertInstanceOf(WebSocketHandshakeException.class, e.getCause()).getResponse()
        .statusCode();
  }

  void send(String text) {
    ws.sendText(text, true).join();
  }

  /** The next text received; fails the test if none arrives in time. */
  String next() throws InterruptedException {
    String text = texts.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (text == null) {
      throw new AssertionError("no message within " + TIMEOUT + (closed.isDone()
          ? " (closed: " + closed.getNow(null) + ")" : ""));
    }
    return text;
  }

  JsonObject nextJson() throws InterruptedException {
    return JsonParser.parseString(next()).getAsJsonObject();
  }

  /** Sends {@code request} and returns the next message (the reply, when nothing else is due). */
  JsonObject call(String request) throws InterruptedException {
    send(request);
    return nextJson();
  }

  /** The close frame the server sent; fails the test if none arrives in time. */
  Close awaitClose() throws Exception {
    return closed.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      texts.add(partial.toString());
      partial.setLength(0);
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int code, String reason) {
    closed.complete(new Close(code, reason));
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closed.completeExceptionally(error);
  }

  /** Closes with {@code code} and answers the server's close frame; fails if none comes in time. */
  Close close(int code, String reason) throws Exception {
    ws.sendClose(code, reason).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    return awaitClose();
  }

  /** Closes with 1000 and waits for the server's answer, or cuts the connection. */
  @Override
  public void close() {
    if (ws == null || closed.isDone()) {
      if (ws != null) {
        ws.abort();
      }
      return;
    }
    try {
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "done");
      closed.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      // the server is gone already: nothing to wait for
    } finally {
      ws.abort();
    }
  }
}
