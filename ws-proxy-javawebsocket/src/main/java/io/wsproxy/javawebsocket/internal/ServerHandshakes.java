package io.wsproxy.javawebsocket.internal;

import io.wsproxy.CloseCodes;
import io.wsproxy.HandshakeDecision;
import io.wsproxy.HandshakeRequest;
import io.wsproxy.Headers;
import io.wsproxy.Limits;
import io.wsproxy.Rejection;
import io.wsproxy.RejectionMode;
import io.wsproxy.spi.WsEndpoint;
import io.wsproxy.internal.Scheduler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.HandshakeImpl1Server;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of the upgrade: turns Java-WebSocket's {@link ClientHandshake} into a
 * {@link HandshakeRequest}, asks the endpoint, and answers, refuses, or accepts-to-close.
 *
 * <p>Java-WebSocket calls the handshake hook synchronously on a {@code WebSocketWorker} thread and
 * has no way to answer later, so {@link #handle} waits for the endpoint's decision, at most the
 * endpoint's handshake timeout plus {@link #DECISION_GRACE}. Endpoints that decide at once (no asynchronous auth) cost no wait;
 * an asynchronous validator holds that worker, and every connection served by it, while it runs.
 *
 * <p>Thread-safe and stateless apart from a one-time warning flag.
 */
public final class ServerHandshakes {

  private static final Logger log = LoggerFactory.getLogger(ServerHandshakes.class);

  private static final String SUBPROTOCOL_HEADER = "Sec-WebSocket-Protocol";
  /**
   * Headers whose values are lists of tokens that cannot contain {@code ;}. Java-WebSocket joins a
   * repeated header's values with {@code "; "}; for these the separator is turned back into a comma.
   */
  private static final Set<String> TOKEN_LIST_HEADERS = Set.of("sec-websocket-protocol",
      "x-forwarded-for");

  static final Rejection MALFORMED = Rejection.badRequest("Malformed upgrade request");
  static final Rejection TIMED_OUT = Rejection.unavailable("Handshake timed out");
  /**
   * How long past the endpoint's handshake timeout the adapter still waits for its decision: 1 s.
   * An endpoint that bounds its own handshake by that timeout (a {@code WebSocketProxy} refuses a
   * validator that takes longer with 401 / 4401) then answers before this safety net, which is
   * for endpoints that never decide, refuses with 503 / 1013.
   */
  static final Duration DECISION_GRACE = Duration.ofSeconds(1);
  static final Rejection FAILED = new Rejection(500, CloseCodes.INTERNAL_ERROR, "Internal error");
  static final Rejection MISCONFIGURED =
      new Rejection(500, CloseCodes.INTERNAL_ERROR, "Server misconfigured");

  private final WsEndpoint endpoint;
  private final Scheduler timer;
  private final AtomicBoolean warnedAboutDraft = new AtomicBoolean();

  public ServerHandshakes(WsEndpoint endpoint, Scheduler timer) {
    this.endpoint = endpoint;
    this.timer = timer;
  }

  /**
   * Decides one upgrade. Accepted (and close-code refusals): attaches a {@link ServerConnection} to
   * {@code conn} and returns the response to send. Refused with an HTTP status: writes the refusal,
   * closes the connection and throws, as Java-WebSocket expects.
   */
  public ServerHandshakeBuilder handle(WebSocket conn, Draft draft, ClientHandshake request)
      throws InvalidDataException {
    WebSocketImpl impl = (WebSocketImpl) conn; // a WebSocketServerFactory always makes these
    Limits limits = endpoint.limits();
    HandshakeDecision decision;
    if (!bounded(draft, limits)) {
      decision = MISCONFIGURED;
    } else {
      HandshakeRequest req = toRequest(conn, request);
      decision = req == null ? MALFORMED : decide(req, limits.handshakeTimeout().plus(DECISION_GRACE));
    }
    if (decision instanceof HandshakeDecision.Accept accept) {
      conn.setAttachment(new ServerConnection(newChannel(impl, accept.subprotocol(), limits), accept,
          null));
      HandshakeImpl1Server response = new HandshakeImpl1Server();
      if (accept.subprotocol() != null) {
        response.put(SUBPROTOCOL_HEADER, accept.subprotocol());
      }
      return response;
    }
    Rejection rejection = (Rejection) decision;
    if (endpoint.rejectionMode() == RejectionMode.CLOSE_CODE) {
      conn.setAttachment(new ServerConnection(newChannel(impl, null, limits), null, rejection));
      return new HandshakeImpl1Server();
    }
    HttpRefusal.send(impl, rejection);
    throw new InvalidDataException(rejection.closeCode(), rejection.reason());
  }

  private boolean bounded(Draft draft, Limits limits) {
    if (draft instanceof Draft_6455 d && d.getMaxFrameSize() <= limits.maxFrameSize()) {
      return true;
    }
    if (warnedAboutDraft.compareAndSet(false, true)) {
      log.error("the host server does not limit frame sizes (build it with adapter.drafts()); "
          + "refusing every upgrade with 500");
    }
    return false;
  }

  private JwsChannel newChannel(WebSocketImpl impl, String subprotocol, Limits limits) {
    return new JwsChannel(impl, false, subprotocol, limits.closeTimeout(), timer,
        () -> impl.closeConnection(CloseFrame.ABNORMAL_CLOSE, "aborted"));
  }

  private HandshakeDecision decide(HandshakeRequest request, Duration timeout) {
    CompletableFuture<HandshakeDecision> decided = new CompletableFuture<>();
    try {
      endpoint.handshake(request).whenComplete((d, e) -> {
        if (e != null) {
          decided.completeExceptionally(e);
        } else {
          decided.complete(d);
        }
      });
      HandshakeDecision d = decided.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      if (d != null) {
        return d;
      }
      log.warn("the endpoint decided nothing for {}; refusing it", request);
    } catch (TimeoutException e) {
      log.warn("no handshake decision within {} for {}; refusing it", timeout, request);
      return TIMED_OUT;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return TIMED_OUT;
    } catch (ExecutionException | RuntimeException e) {
      log.warn("the endpoint's handshake failed for {}; refusing it", request, e);
    }
    return FAILED;
  }

  /** The request as the core sees it, or {@code null} when it cannot be one (bad path or header). */
  static HandshakeRequest toRequest(WebSocket conn, ClientHandshake handshake) {
    try {
      InetSocketAddress remote = conn.getRemoteSocketAddress();
      if (remote == null) {
        return null; // the socket is already closed
      }
      Headers.Builder headers = Headers.builder();
      for (Iterator<String> it = handshake.iterateHttpFields(); it.hasNext(); ) {
        String name = it.next();
        String value = handshake.getFieldValue(name);
        if (TOKEN_LIST_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
          value = value.replace(';', ',');
        }
        headers.add(name, value);
      }
      return HandshakeRequest.builder()
          .target(handshake.getResourceDescriptor())
          .headers(headers.build())
          .remoteAddress(remote)
          .secure(conn.hasSSLSupport())
          .build();
    } catch (RuntimeException e) {
      log.debug("malformed upgrade request from {}", conn, e);
      return null;
    }
  }
}
