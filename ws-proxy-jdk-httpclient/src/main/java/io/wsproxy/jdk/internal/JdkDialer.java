package io.wsproxy.jdk.internal;

import io.wsproxy.CloseCodes;
import io.wsproxy.spi.UpstreamConnectException;
import io.wsproxy.spi.UpstreamRequest;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsListener;
import io.wsproxy.internal.Scheduler;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dials upstreams with one shared {@link HttpClient} and turns each successful upgrade into a
 * {@link JdkWsChannel}; maps every failure to an {@link io.wsproxy.spi.UpstreamConnectException}.
 *
 * <p><b>Threading.</b> Thread-safe; {@link #dial} returns at once and completes on JDK threads.
 */
public final class JdkDialer {

  private static final Logger log = LoggerFactory.getLogger(JdkDialer.class);

  private final HttpClient client;
  private final Executor callbacks;
  private final Scheduler timers;
  private final Duration probeInterval;

  /**
   * @param client        shared by every connection
   * @param callbacks     runs listener calls that do not start on a JDK thread (never the caller's)
   * @param timers        runs close timeouts and liveness probes
   * @param probeInterval silence before a liveness ping ({@link Duration#ZERO}: none)
   */
  public JdkDialer(HttpClient client, Executor callbacks, Scheduler timers, Duration probeInterval) {
    this.client = client;
    this.callbacks = callbacks;
    this.timers = timers;
    this.probeInterval = probeInterval;
  }

  /**
   * Dials {@code request.uri()}. On success {@code listener.onOpen} runs before the future completes;
   * on failure the future fails and the listener hears nothing. {@code onEnd} runs exactly once, when
   * the connect failed or the connection has reported its end.
   */
  public CompletableFuture<WsChannel> dial(UpstreamRequest request, WsListener listener, Runnable onEnd) {
    CompletableFuture<WsChannel> result = new CompletableFuture<>();
    Handshake handshake = new Handshake(request, listener, result, onEnd);
    CompletableFuture<WebSocket> upgrade;
    try {
      WebSocket.Builder builder = client.newWebSocketBuilder().connectTimeout(request.connectTimeout());
      UpgradeHeaders.copy(request.headers(), builder);
      List<String> offered = request.subprotocols();
      if (!offered.isEmpty()) {
        builder.subprotocols(offered.get(0), offered.subList(1, offered.size()).toArray(String[]::new));
      }
      upgrade = builder.buildAsync(request.uri(), handshake);
    } catch (RuntimeException e) {
      upgrade = CompletableFuture.failedFuture(e);
    }
    upgrade.whenComplete((ws, error) -> {
      if (error != null) {
        handshake.failed(error);
      }
    });
    return result;
  }

  /** The exception a failed upgrade completes the connect future with. */
  static UpstreamConnectException connectFailure(Throwable error, UpstreamRequest request) {
    Throwable cause = unwrap(error);
    String target = target(request.uri());
    if (cause instanceof UpstreamConnectException e) {
      return e;
    }
    if (cause instanceof WebSocketHandshakeException e) {
      int status = e.getResponse() == null ? 0 : e.getResponse().statusCode();
      Throwable why = e.getCause();
      if (status == 101 && why != null && String.valueOf(why.getMessage()).startsWith("Unexpected subprotocol")) {
        return new UpstreamConnectException(
            "upstream refused subprotocol " + String.join(", ", request.subprotocols()) + " ("
                + why.getMessage() + ")", status, e);
      }
      return new UpstreamConnectException("upstream " + target + " refused the upgrade with HTTP " + status
          + (why == null ? "" : ": " + why.getMessage()), status, e);
    }
    if (cause instanceof HttpTimeoutException) {
      return new UpstreamConnectException("upstream " + target + " did not complete the upgrade within "
          + request.connectTimeout(), cause);
    }
    if (cause instanceof ConnectException) {
      return new UpstreamConnectException("upstream " + target + " refused the connection", cause);
    }
    return new UpstreamConnectException("connecting to upstream " + target + " failed: " + cause, cause);
  }

  /** Scheme, host and port only: the path, query and user info may carry credentials. */
  static String target(URI uri) {
    return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
  }

  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * The JDK listener of one connection: checks the subprotocol when the upgrade is through, then
   * hands every event to the channel. The JDK calls it one method at a time.
   */
  private final class Handshake implements WebSocket.Listener {
    private final UpstreamRequest request;
    private final WsListener listener;
    private final CompletableFuture<WsChannel> result;
    private final Runnable onEnd;
    /** Set in onOpen, before any other call (the JDK orders its calls with happens-before). */
    private JdkWsChannel channel;

    Handshake(UpstreamRequest request, WsListener listener, CompletableFuture<WsChannel> result,
        Runnable onEnd) {
      this.request = request;
      this.listener = listener;
      this.result = result;
      this.onEnd = onEnd;
    }

    void failed(Throwable error) {
      UpstreamConnectException e = connectFailure(error, request);
      log.debug("connect to {} failed: {}", target(request.uri()), e.getMessage());
      result.completeExceptionally(e);
      onEnd.run();
    }

    @Override
    public void onOpen(WebSocket ws) {
      channel = new JdkWsChannel(ws, listener, request, timers, callbacks, probeInterval, onEnd);
      List<String> offered = request.subprotocols();
      if (!offered.isEmpty() && !offered.contains(ws.getSubprotocol())) {
        String names = String.join(", ", offered);
        String selected = ws.getSubprotocol().isEmpty() ? "none" : ws.getSubprotocol();
        result.completeExceptionally(new UpstreamConnectException(
            "upstream refused subprotocol " + names + " (selected " + selected + ")", null));
        channel.refuse(CloseCodes.PROTOCOL_ERROR, "subprotocol " + names + " not selected");
        return;
      }
      channel.open(result);
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      channel.onJdkText(data, last);
      return null; // data was copied: the JDK may reuse it
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      channel.onJdkBinary(data, last);
      return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket ws, ByteBuffer message) {
      channel.onJdkPing(message);
      return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
      channel.onJdkPong(message);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      return channel.onJdkClose(statusCode, reason);
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      if (channel != null) {
        channel.onJdkError(error);
      }
    }
  }
}
