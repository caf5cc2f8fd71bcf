package io.wsproxy.jdk.internal;

import io.wsproxy.jdk.internal.SendQueue.WaterMarks;
import io.wsproxy.spi.UpstreamRequest;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsListener;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Dials upstreams with one shared {@link HttpClient}: offers the request's whole subprotocol list
 * (the JDK never offers extensions) and forwards the headers it accepts; each successful upgrade
 * becomes a {@link JdkWsChannel} (see {@link JdkConnectionListener}); failures are mapped by
 * {@link ConnectFailures}.
 *
 * <p><b>Threading.</b> Thread-safe; {@link #dial} returns at once and completes on JDK or pool
 * threads.
 */
public final class JdkDialer {

  private final HttpClient client;
  private final ConnectorThreads threads;
  private final WaterMarks marks;
  private final Duration probeInterval;

  /**
   * @param client        shared by every connection
   * @param threads       runs timers and listener calls that must leave a caller's thread
   * @param lowWaterMark  queued bytes at which an unwritable channel is writable again
   * @param highWaterMark queued bytes above which a channel's sends answer {@code false}
   * @param probeInterval silence before a liveness ping ({@link Duration#ZERO}: none)
   */
  public JdkDialer(HttpClient client, ConnectorThreads threads, long lowWaterMark, long highWaterMark,
      Duration probeInterval) {
    this.client = client;
    this.threads = threads;
    this.marks = new WaterMarks(lowWaterMark, highWaterMark);
    this.probeInterval = probeInterval;
  }

  /**
   * Dials {@code request.uri()}. On success {@code listener.onOpen} runs before the future completes;
   * on failure the future fails and the listener hears nothing. Cancelling the future abandons the
   * dial: the JDK cannot stop an upgrade in progress, so a WebSocket that opens afterwards is aborted
   * at once (one that never opens ends with the request's connect timeout). {@code onEnd} runs
   * exactly once, when the connect failed or was abandoned, or the connection has reported its end.
   */
  public CompletableFuture<WsChannel> dial(UpstreamRequest request, WsListener listener, Runnable onEnd) {
    CompletableFuture<WsChannel> result = new CompletableFuture<>();
    JdkConnectionListener connection =
        new JdkConnectionListener(request, listener, result, onEnd, threads, marks, probeInterval);
    CompletableFuture<WebSocket> upgrade;
    try {
      WebSocket.Builder builder = client.newWebSocketBuilder().connectTimeout(request.connectTimeout());
      UpgradeHeaders.copy(request.headers(), builder);
      List<String> offered = request.subprotocols();
      if (!offered.isEmpty()) {
        builder.subprotocols(offered.get(0), offered.subList(1, offered.size()).toArray(String[]::new));
      }
      upgrade = builder.buildAsync(request.uri(), connection);
    } catch (RuntimeException e) {
      upgrade = CompletableFuture.failedFuture(e);
    }
    upgrade.whenComplete((ws, error) -> {
      if (error != null) {
        connection.upgradeFailed(error);
      }
    });
    return result;
  }
}
