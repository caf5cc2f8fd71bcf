package io.wsproxy.jdk.internal;

import io.wsproxy.jdk.internal.SendQueue.WaterMarks;
import io.wsproxy.spi.UpstreamRequest;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsListener;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDK's listener of one upstream connection, for its whole life: it fails the dial when the
 * upgrade fails, aborts a WebSocket that opens after the dial was cancelled, and otherwise creates
 * the {@link JdkWsChannel} in {@code onOpen} and hands it every later event. The JDK calls it one
 * method at a time, with a happens-before edge between calls.
 */
final class JdkConnectionListener implements WebSocket.Listener {

  private static final Logger log = LoggerFactory.getLogger(JdkConnectionListener.class);

  private final UpstreamRequest request;
  private final WsListener listener;
  private final CompletableFuture<WsChannel> result;
  private final Runnable onEnd;
  private final ConnectorThreads threads;
  private final WaterMarks marks;
  private final Duration probeInterval;
  /** Set in onOpen, before any other call; stays null when the dial was cancelled. */
  private JdkWsChannel channel;

  JdkConnectionListener(UpstreamRequest request, WsListener listener,
      CompletableFuture<WsChannel> result, Runnable onEnd, ConnectorThreads threads, WaterMarks marks,
      Duration probeInterval) {
    this.request = request;
    this.listener = listener;
    this.result = result;
    this.onEnd = onEnd;
    this.threads = threads;
    this.marks = marks;
    this.probeInterval = probeInterval;
  }

  /** The upgrade failed: fail the dial (unless cancelled already); the listener hears nothing. */
  void upgradeFailed(Throwable error) {
    var e = ConnectFailures.of(error, request);
    log.debug("connect to {} failed ({}): {}", ConnectFailures.target(request.uri()), e.kind(),
        e.getMessage());
    result.completeExceptionally(e);
    onEnd.run();
  }

  @Override
  public void onOpen(WebSocket ws) {
    if (result.isDone()) { // cancelled while the upgrade ran: give the connection up at once
      log.debug("dial to {} was cancelled; aborting the upgraded connection",
          ConnectFailures.target(request.uri()));
      ws.abort();
      onEnd.run();
      return;
    }
    channel = new JdkWsChannel(ws, listener, request, threads, threads, marks, probeInterval, onEnd);
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
    return channel == null ? null : channel.onJdkClose(statusCode, reason);
  }

  @Override
  public void onError(WebSocket ws, Throwable error) {
    if (channel != null) {
      channel.onJdkError(error);
    }
  }
}
