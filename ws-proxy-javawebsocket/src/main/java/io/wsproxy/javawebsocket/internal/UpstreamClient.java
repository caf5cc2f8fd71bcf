package io.wsproxy.javawebsocket.internal;

import io.wsproxy.spi.UpstreamConnectException;
import io.wsproxy.spi.UpstreamRequest;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsListener;
import io.wsproxy.internal.Scheduler;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
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
 * connects and delivers every event) and a write thread, both daemon; Java-WebSocket's
 * connection-lost checker is off (the proxy has its own idle timeout), so there is no third.
 *
 * <p>State: CONNECTING, then OPEN (the listener's {@code onOpen}, then the future completes) or
 * FAILED (the future fails, the listener hears nothing). The connect timer and the read thread race
 * for that transition through one compare-and-set.
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
  private final Scheduler timer;
  private final UpstreamDraft.Refusal refusal;
  private final CompletableFuture<WsChannel> result = new CompletableFuture<>();
  private final AtomicInteger state = new AtomicInteger(CONNECTING);
  private volatile JwsChannel channel;
  private volatile Exception firstError;
  private volatile ScheduledFuture<?> connectTimer;
  /** This end started the close handshake (the proxy, or Java-WebSocket itself on a bad frame). */
  private volatile boolean closeStartedHere;

  private UpstreamClient(UpstreamRequest request, WsListener listener, Scheduler timer,
      UpstreamDraft.Refusal refusal) {
    super(request.uri(), new UpstreamDraft(request.subprotocols(), request.maxMessageSize(), refusal),
        headers(request), (int) Math.min(request.connectTimeout().toMillis(), Integer.MAX_VALUE));
    this.request = request;
    this.listener = listener;
    this.timer = timer;
    this.refusal = refusal;
    setTcpNoDelay(true);
    setConnectionLostTimeout(0);
    setDaemon(true);
  }

  /**
   * Starts dialling {@code request.uri()}; the future completes after {@code listener.onOpen}, or
   * fails with an {@link io.wsproxy.spi.UpstreamConnectException}.
   *
   * @param tls the socket factory for {@code wss://}, or {@code null} for the JDK default
   */
  public static CompletableFuture<WsChannel> connect(UpstreamRequest request, WsListener listener,
      Scheduler timer, SSLSocketFactory tls) {
    UpstreamClient client = new UpstreamClient(request, listener, timer,
        new UpstreamDraft.Refusal());
    if (tls != null && "wss".equalsIgnoreCase(request.uri().getScheme())) {
      client.setSocketFactory(tls);
    }
    client.connectTimer = timer.schedule(request.connectTimeout(), client::connectTimedOut);
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
    JwsChannel ch = new JwsChannel((WebSocketImpl) getConnection(), true,
        answered.isEmpty() ? null : answered, request.closeTimeout(), timer, this::dropSocket);
    channel = ch; // before the transition: a close from now on reaches the channel
    if (!state.compareAndSet(CONNECTING, OPEN)) {
      dropSocket(); // the connect timeout won
      return;
    }
    cancelConnectTimer();
    ch.open(() -> listener);
    result.complete(ch);
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
    JwsChannel ch = channel;
    if (ch != null) {
      ch.onControl(ping);
    }
  }

  @Override
  public void onWebsocketPong(WebSocket conn, Framedata pong) {
    JwsChannel ch = channel;
    if (ch != null) {
      ch.onControl(pong);
    }
  }

  @Override
  public void onCloseInitiated(int code, String reason) {
    closeStartedHere = true;
    JwsChannel ch = channel;
    if (ch != null) {
      ch.onCloseInitiated();
    }
  }

  /**
   * Java-WebSocket's read loop ({@code WebSocketClient.run}) stops once this says "closing", at the
   * first read that returns after a close started, and ends the connection: it interrupts the write
   * thread, which may then drop the close frame still queued, and closes the socket right behind it.
   * The server then sees a message and the FIN without the close frame, or both frames and the FIN
   * together, which a Java-WebSocket server reports as 1006 (it drops frames that come with the end
   * of stream). So while a close started here is under way this says "not closing": the loop reads on
   * (Java-WebSocket ignores frames once closing) until the server ends the connection, which also
   * ends the loop, or the close timeout cuts the socket. Called by the read thread.
   */
  @Override
  public boolean isClosing() {
    return super.isClosing() && !closeStartedHere;
  }

  @Override
  public void onClose(int code, String reason, boolean remote) {
    JwsChannel ch = channel;
    if (ch != null) {
      ch.onClose(code, reason, remote);
      return;
    }
    Exception cause = firstError;
    String message = refusal.reason != null ? refusal.reason
        : "could not connect to " + request.uri() + ": "
            + (cause != null && cause.getMessage() != null ? cause.getMessage() : reason);
    fail(new UpstreamConnectException(message, refusal.httpStatus, cause));
  }

  @Override
  public void onError(Exception error) {
    JwsChannel ch = channel;
    if (ch != null) {
      ch.onError(error);
    } else if (firstError == null) {
      firstError = error;
    }
  }

  private void connectTimedOut() {
    if (fail(new UpstreamConnectException("no upgrade from " + request.uri() + " within "
        + request.connectTimeout(), null))) {
      dropSocket();
    }
  }

  private boolean fail(UpstreamConnectException error) {
    if (!state.compareAndSet(CONNECTING, FAILED)) {
      return false;
    }
    cancelConnectTimer();
    log.debug("upstream connect failed: {}", error.getMessage());
    result.completeExceptionally(error);
    return true;
  }

  private void cancelConnectTimer() {
    ScheduledFuture<?> t = connectTimer;
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
        log.debug("closing the upstream socket failed", e);
      }
    }
  }
}
