package io.wsproxy.javawebsocket;

import io.wsproxy.HandshakeDecision;
import io.wsproxy.HandshakeRequest;
import io.wsproxy.Headers;
import io.wsproxy.Limits;
import io.wsproxy.Principal;
import io.wsproxy.Rejection;
import io.wsproxy.RejectionMode;
import io.wsproxy.spi.PendingHandshake;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsEndpoint;
import io.wsproxy.spi.WsListener;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A small endpoint deciding by path: {@code /deny/NNN} is refused with status NNN and close code
 * 4NNN, {@code /hang} never decides, {@code /late} decides (accepts) only when the test completes
 * the decision it finds in {@link #late}, {@code /silent} accepts without echoing, anything else is
 * accepted and echoed. The first offered subprotocol in {@link #SUBPROTOCOLS} is chosen. Every
 * handshake given up by the transport lands in {@link #abandoned}.
 */
final class TestEndpoint implements WsEndpoint {

  static final List<String> SUBPROTOCOLS = List.of("chat", "v2");

  private final Limits limits;
  private final RejectionMode mode;
  final BlockingQueue<HandshakeRequest> handshakes = new LinkedBlockingQueue<>();
  final BlockingQueue<RecordingListener> opened = new LinkedBlockingQueue<>();
  final BlockingQueue<WsChannel> channels = new LinkedBlockingQueue<>();
  final BlockingQueue<HandshakeRequest> abandoned = new LinkedBlockingQueue<>();
  /** Decisions of {@code /late} requests, for the test to complete. */
  final BlockingQueue<CompletableFuture<HandshakeDecision>> late = new LinkedBlockingQueue<>();

  TestEndpoint() {
    this(Limits.DEFAULTS, RejectionMode.HTTP_STATUS);
  }

  TestEndpoint(Limits limits, RejectionMode mode) {
    this.limits = limits;
    this.mode = mode;
  }

  static String denyReason(int status) {
    return "denied with " + status;
  }

  /** What {@code request} is accepted with (the first known subprotocol it offers). */
  static HandshakeDecision.Accept accept(HandshakeRequest request) {
    String chosen = request.subprotocols().stream().filter(SUBPROTOCOLS::contains).findFirst()
        .orElse(null);
    return new HandshakeDecision.Accept(request,
        request.remoteAddress().getAddress().getHostAddress(), Principal.ANONYMOUS, chosen, null,
        Headers.EMPTY);
  }

  @Override
  public PendingHandshake handshake(HandshakeRequest request, Object affinity) {
    handshakes.add(request);
    String path = request.path();
    CompletableFuture<HandshakeDecision> decision;
    if (path.startsWith("/deny/")) {
      int status = Integer.parseInt(path.substring("/deny/".length()));
      decision = CompletableFuture.completedFuture(
          new Rejection(status, 4000 + status, denyReason(status)));
    } else if (path.equals("/hang")) {
      decision = new CompletableFuture<>();
    } else if (path.equals("/late")) {
      decision = new CompletableFuture<>();
      late.add(decision);
    } else {
      decision = CompletableFuture.completedFuture(accept(request));
    }
    return new Pending(request, decision);
  }

  private final class Pending implements PendingHandshake {
    private final HandshakeRequest request;
    private final CompletableFuture<HandshakeDecision> decision;
    private final AtomicBoolean done = new AtomicBoolean();

    Pending(HandshakeRequest request, CompletableFuture<HandshakeDecision> decision) {
      this.request = request;
      this.decision = decision;
    }

    @Override
    public CompletionStage<HandshakeDecision> decision() {
      return decision;
    }

    @Override
    public WsListener open(WsChannel client) {
      if (!done.compareAndSet(false, true)) {
        throw new IllegalStateException("opened twice or after abandon");
      }
      RecordingListener listener = new RecordingListener(!request.path().equals("/silent"));
      opened.add(listener);
      channels.add(client);
      return listener;
    }

    @Override
    public void abandon() {
      if (done.compareAndSet(false, true)) {
        abandoned.add(request);
      }
    }
  }

  @Override
  public Limits limits() {
    return limits;
  }

  @Override
  public RejectionMode rejectionMode() {
    return mode;
  }
}
