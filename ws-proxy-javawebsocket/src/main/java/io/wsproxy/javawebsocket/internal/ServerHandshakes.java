package io.wsproxy.javawebsocket.internal;

import io.wsproxy.CloseCodes;
import io.wsproxy.HandshakeDecision;
import io.wsproxy.Rejection;
import io.wsproxy.spi.WsEndpoint;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.handshake.HandshakeImpl1Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of the upgrade for one adapter: what its held handshakes share (the endpoint, the
 * timer, the writability watch), and the answer to Java-WebSocket's handshake hook.
 *
 * <p>The hook runs only once a {@link HeldHandshake} released the connection, so the decision is
 * ready and {@link #answer} never waits: an acceptance gets the 101 with the upstream's subprotocol
 * (or none); a close-code refusal gets a plain 101 and is closed once open. A connection that
 * reaches the hook without a held handshake was not made by the adapter's factory: the adapter was
 * not installed on that server, which is refused with 500 and logged once as an error.
 *
 * <p>Thread-safe.
 */
public final class ServerHandshakes {

  private static final Logger log = LoggerFactory.getLogger(ServerHandshakes.class);

  private static final String SUBPROTOCOL_HEADER = "Sec-WebSocket-Protocol";

  static final Rejection TIMED_OUT = Rejection.unavailable("Handshake timed out");
  /** The answer to a connection accepted over the pending-handshake cap (the core's words). */
  static final Rejection TOO_MANY_PENDING = Rejection.unavailable("Too many pending handshakes");
  /**
   * How long past the endpoint's handshake timeout the adapter still waits for its decision: 1 s.
   * An endpoint that bounds its own handshake by that timeout (a {@code WebSocketProxy} refuses a
   * validator that takes longer with 401 / 4401) then answers before this safety net, which is for
   * endpoints that never decide: 503 / 1013.
   */
  public static final Duration DECISION_GRACE = Duration.ofSeconds(1);
  static final Rejection FAILED = new Rejection(500, CloseCodes.INTERNAL_ERROR, "Internal error");
  static final Rejection NOT_INSTALLED =
      new Rejection(500, CloseCodes.INTERNAL_ERROR, "Server misconfigured");

  private final WsEndpoint endpoint;
  private final Timer timer;
  private final WritabilityWatch watch;
  private final Predicate<String> hostServes;
  private final AtomicBoolean warnedNotInstalled = new AtomicBoolean();
  /** Connections whose upgrade is not answered yet: closed when the adapter closes. */
  private final Set<GuardedConnection> unanswered = ConcurrentHashMap.newKeySet();

  /**
   * @param hostServes which request targets (path and query) the host serves itself: those are
   *                   handed to Java-WebSocket and the host's hook as they are
   */
  public ServerHandshakes(WsEndpoint endpoint, Timer timer, Predicate<String> hostServes) {
    this.endpoint = endpoint;
    this.timer = timer;
    this.watch = new WritabilityWatch(timer);
    this.hostServes = hostServes;
  }

  boolean hostServes(String requestTarget) {
    return hostServes.test(requestTarget);
  }

  /**
   * A connection starts holding its upgrade, from accept on; answers whether it is within the
   * endpoint's {@code maxPendingHandshakes} (a socket that sends nothing, or its request one byte at
   * a time, holds a descriptor as surely as an upgrade being decided, so every unanswered
   * connection counts).
   */
  boolean holding(GuardedConnection conn) {
    unanswered.add(conn);
    return unanswered.size() <= endpoint.limits().maxPendingHandshakes();
  }

  /** A connection's upgrade was answered (opened, refused) or the connection closed. */
  void answered(GuardedConnection conn) {
    unanswered.remove(conn);
  }

  /**
   * Closes every connection whose upgrade is still held (Java-WebSocket's own stop closes only open
   * ones and leaves these sockets open), which abandons their handshakes and so their dials.
   */
  public void closeUnanswered(String reason) {
    for (GuardedConnection conn : unanswered) {
      conn.closeConnection(CloseFrame.GOING_AWAY, reason);
    }
  }

  WsEndpoint endpoint() {
    return endpoint;
  }

  Timer timer() {
    return timer;
  }

  Duration decisionTimeout() {
    return endpoint.limits().handshakeTimeout().plus(DECISION_GRACE);
  }

  /**
   * Answers Java-WebSocket's handshake hook on the connection's worker. Accepted (and close-code
   * refusals): gives the connection its channel and returns the response. A connection the adapter
   * did not hold: writes 500, closes it and throws, as Java-WebSocket expects of a refusal.
   */
  public ServerHandshakeBuilder answer(WebSocket conn) throws InvalidDataException {
    HandshakeDecision decision = conn instanceof GuardedConnection gc && gc.held() != null
        ? gc.held().decision() : null;
    if (decision == null) {
      notInstalled();
      HttpRefusal.send((WebSocketImpl) conn, NOT_INSTALLED);
      throw new InvalidDataException(NOT_INSTALLED.closeCode(), NOT_INSTALLED.reason());
    }
    GuardedConnection gc = (GuardedConnection) conn;
    HandshakeImpl1Server response = new HandshakeImpl1Server();
    String subprotocol = null;
    if (decision instanceof HandshakeDecision.Accept accept && accept.subprotocol() != null) {
      subprotocol = accept.subprotocol();
      response.put(SUBPROTOCOL_HEADER, subprotocol);
    }
    gc.channel(newChannel(gc, subprotocol));
    return response;
  }

  /** Logs, once per adapter, that a server serves connections the adapter's factory did not make. */
  public void notInstalled() {
    if (warnedNotInstalled.compareAndSet(false, true)) {
      log.error("a WebSocketServer forwards to a JavaWebSocketAdapter that was not installed on it "
          + "(or its connection factory was replaced): call adapter.install(server) before "
          + "server.start(); refusing its upgrades with 500");
    }
  }

  private JavaWebSocketChannel newChannel(WebSocketImpl impl, String subprotocol) {
    return new JavaWebSocketChannel(impl, false, subprotocol, endpoint.limits().closeTimeout(),
        timer, watch, endpoint.limits().maxQueuedBytes(),
        () -> impl.closeConnection(CloseFrame.ABNORMAL_CLOSE, "aborted"));
  }
}
