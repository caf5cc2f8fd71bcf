package io.wsproxy.javawebsocket.internal;

import io.wsproxy.Limits;
import io.wsproxy.spi.UpstreamConnectException;
import io.wsproxy.spi.UpstreamRequest;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsListener;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocketFactory;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.ServerHandshake;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One upstream connection on Java-WebSocket's {@link WebSocketClient}: a read thread (which also
 * connects and delivers every event) and a write thread, both daemon, both ending with the
 * connection; Java-WebSocket's connection-lost checker is off (the proxy has its own timeouts).
 *
 * <p>State: CONNECTING, then OPEN (the listener's {@code onOpen}, then the future completes) or
 * FAILED (the future fails with an {@link UpstreamConnectException} of the matching kind, the
 * listener hears nothing). The connect timer, the read thread and a cancel of the future race for
 * that transition through one compare-and-set; the loser of a race with an open connection cuts it.
 *
 * <p>Close: a close this end starts keeps the read thread reading until the server ends the TCP
 * connection (RFC 6455 section 5.5.1 obliges it to once both close frames are exchanged), see
 * {@link #isClosing()}; the channel's close timeout bounds the wait.
 */
public final class UpstreamClient extends WebSocketClient {

  private static final Logger log = LoggerFactory.getLogger(UpstreamClient.class);

  private static final int CONNECTING = 0;
  private static final int OPEN = 1;
  private static final int FAILED = 2;

  private static final String SUBPROTOCOL_HEADER = "Sec-WebSocket-Protocol";
  /** Headers the client writes itself; values from the request would break the upgrade. */
  private static final Set<String> OWN_HEADERS = Set.of("host", "connection", "upgrade",
      "content-length", "transfer-encoding", "sec-websocket-key", "sec-websocket-version",
      "sec-websocket-extensions", "sec-websocket-protocol", "sec-websocket-accept");

  private final UpstreamRequest request;
  private final WsListener listener;
  private final ConnectorResources resources;
  private final UpstreamDraft.Refusal refusal;
  private final CompletableFuture<WsChannel> result = new CompletableFuture<>();
  private final AtomicInteger state = new AtomicInteger(CONNECTING);
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile JavaWebSocketChannel channel;
  private volatile Exception firstError;
  private volatile Future<?> connectTimer;
  /** This end started the close handshake (the proxy, or the frame checks on a bad frame). */
  private volatile boolean closeStartedHere;

  private UpstreamClient(UpstreamRequest request, WsListener listener, ConnectorResources resources,
      UpstreamDraft.Refusal refusal) {
    super(request.uri(), new UpstreamDraft(request.subprotocols(), request.maxFrameSize(),
            Math.max(request.maxFrameSize(), request.maxMessageSize()), refusal),
        headers(request), (int) Math.min(request.connectTimeout().toMillis(), Integer.MAX_VALUE));
    this.request = request;
    this.listener = listener;
    this.resources = resources;
    this.refusal = refusal;
    setTcpNoDelay(true);
    setConnectionLostTimeout(0);
    setDaemon(true);
  }

  /**
   * Starts dialling {@code request.uri()}; the future completes after {@code listener.onOpen}, or
   * fails with an {@link UpstreamConnectException}. Cancelling it abandons the dial.
   *
   * @param tls the socket factory for {@code wss://}, or {@code null} for the JDK default
   */
  public static CompletableFuture<WsChannel> connect(UpstreamRequest request, WsListener listener,
      ConnectorResources resources, SSLSocketFactory tls) {
    if (!resources.begin()) {
      return CompletableFuture.failedFuture(
          UpstreamConnectException.unreachable("connector is closed", null));
    }
    UpstreamClient client = new UpstreamClient(request, listener, resources,
        new UpstreamDraft.Refusal());
    if (tls != null && "wss".equalsIgnoreCase(request.uri().getScheme())) {
      client.setSocketFactory(tls);
    }
    client.result.whenComplete((ch, e) -> {
      if (e instanceof CancellationException) {
        client.cancelled();
      }
    });
    client.connectTimer = resources.timer().schedule(request.connectTimeout(),
        client::connectTimedOut);
    client.connect();
    return client.result;
  }

  private static Map<String, String> headers(UpstreamRequest request) {
    Map<String, String> out = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    request.headers().toMap().forEach((name, values) -> {
      if (!OWN_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
        out.put(name, String.join(", ", values));
      }
    });
    return out;
  }

  @Override
  public void onOpen(ServerHandshake handshake) {
    String answered = handshake.getFieldValue(SUBPROTOCOL_HEADER);
    JavaWebSocketChannel ch = new JavaWebSocketChannel((WebSocketImpl) getConnection(), true,
        answered.isEmpty() ? null : answered, request.closeTimeout(), resources.timer(),
        resources.watch(), Limits.DEFAULT_MAX_QUEUED_BYTES, this::dropSocket);
    channel = ch; // before the transition: a close from now on reaches the channel
    if (!state.compareAndSet(CONNECTING, OPEN)) {
      dropSocket(); // the connect timeout or a cancel won
      return;
    }
    cancelConnectTimer();
    ch.open(() -> listener);
    if (!result.complete(ch)) {
      ch.abort(); // cancelled between the transition and here
    }
  }

  @Override
  public void onMessage(String message) {
    channel.onText(message);
  }

  @Override
  public void onMessage(ByteBuffer bytes) {
    channel.onBinary(bytes);
  }

  @Override
  public void onWebsocketPing(WebSocket conn, Framedata ping) {
    super.onWebsocketPing(conn, ping); // answers it
    JavaWebSocketChannel ch = channel;
    if (ch != null) {
      ch.onControl(ping);
    }
  }

  @Override
  public void onWebsocketPong(WebSocket conn, Framedata pong) {
    JavaWebSocketChannel ch = channel;
    if (ch != null) {
      ch.onControl(pong);
    }
  }

  /** The channel once the upgrade succeeded, else {@code null}. */
  JavaWebSocketChannel channel() {
    return channel;
  }

  @Override
  public void onCloseInitiated(int code, String reason) {
    closeStartedHere = true;
    JavaWebSocketChannel ch = channel;
    if (ch != null) {
      ch.onCloseInitiated();
    }
  }

  /**
   * Java-WebSocket's read loop ({@code WebSocketClient.run}) stops once this says "closing", at the
   * first read that returns after a close started, and ends the connection: it interrupts the write
   * thread, which may then drop the close frame still queued, and closes the socket right behind it.
   * So while a close started here is under way this says "not closing": the loop reads on
   * (Java-WebSocket ignores frames once closing) until the server ends the connection, which also
   * ends the loop, or the close timeout cuts the socket. Called by the read thread.
   */
  @Override
  public boolean isClosing() {
    return super.isClosing() && !closeStartedHere;
  }

  @Override
  public void onClose(int code, String reason, boolean remote) {
    try {
      JavaWebSocketChannel ch = channel;
      if (ch != null && state.get() == OPEN) {
        ch.onClose(code, reason, remote);
        return;
      }
      fail(failure(reason));
    } finally {
      if (ended.compareAndSet(false, true)) {
        resources.end();
      }
    }
  }

  private UpstreamConnectException failure(String reason) {
    if (refusal.kind != null) {
      return new UpstreamConnectException(refusal.kind, refusal.httpStatus, refusal.reason, null);
    }
    Exception cause = firstError;
    String message = "could not connect to " + request.uri() + ": "
        + (cause != null && cause.getMessage() != null ? cause.getMessage() : reason);
    if (cause instanceof SocketTimeoutException) {
      return UpstreamConnectException.timedOut(message);
    }
    return UpstreamConnectException.unreachable(message, cause);
  }

  @Override
  public void onError(Exception error) {
    JavaWebSocketChannel ch = channel;
    if (ch != null && state.get() == OPEN) {
      ch.onError(error);
    } else if (firstError == null) {
      firstError = error;
    }
  }

  private void connectTimedOut() {
    if (fail(UpstreamConnectException.timedOut("no upgrade from " + request.uri() + " within "
        + request.connectTimeout()))) {
      dropSocket();
    }
  }

  private void cancelled() {
    if (state.compareAndSet(CONNECTING, FAILED)) {
      cancelConnectTimer();
      log.debug("upstream dial to {} cancelled", request.uri());
      dropSocket();
    }
  }

  private boolean fail(UpstreamConnectException error) {
    if (!state.compareAndSet(CONNECTING, FAILED)) {
      return false;
    }
    cancelConnectTimer();
    log.debug("upstream connect failed ({}): {}", error.kind(), error.getMessage());
    result.completeExceptionally(error);
    return true;
  }

  private void cancelConnectTimer() {
    Future<?> t = connectTimer;
    if (t != null) {
      t.cancel(false);
    }
  }

  /** Cuts the TCP connection; the read thread then reports the close and both threads end. */
  private void dropSocket() {
    Socket socket = getSocket();
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        log.debug("closing the upstream socket failed: {}", e.toString());
      }
    }
  }
}
