package io.wsproxy.javawebsocket;

import io.wsproxy.HandshakeDecision;
import io.wsproxy.HandshakeRequest;
import io.wsproxy.Headers;
import io.wsproxy.Limits;
import io.wsproxy.Principal;
import io.wsproxy.Rejection;
import io.wsproxy.RejectionMode;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsEndpoint;
import io.wsproxy.spi.WsListener;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A small endpoint deciding by path: {@code /deny/NNN} is refused with status NNN and close code
 * 4NNN, {@code /hang} never decides, {@code /silent} accepts without echoing, anything else is
 * accepted and echoed. The first offered subprotocol in {@link #SUBPROTOCOLS} is chosen.
 */
final class TestEndpoint implements WsEndpoint {

  static final List<String> SUBPROTOCOLS = List.of("chat", "v2");

  private final Limits limits;
  private final RejectionMode mode;
  final BlockingQueue<HandshakeRequest> handshakes = new LinkedBlockingQueue<>();
  final BlockingQueue<RecordingListener> opened = new LinkedBlockingQueue<>();
  final BlockingQueue<WsChannel> channels = new LinkedBlockingQueue<>();

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

  @Override
  public CompletionStage<HandshakeDecision> handshake(HandshakeRequest request) {
    handshakes.add(request);
    String path = request.path();
    if (path.startsWith("/deny/")) {
      int status = Integer.parseInt(path.substring("/deny/".length()));
      return CompletableFuture.completedFuture(
          new Rejection(status, 4000 + status, denyReason(status)));
    }
    if (path.equals("/hang")) {
      return new CompletableFuture<>();
    }
    String chosen = request.subprotocols().stream().filter(SUBPROTOCOLS::contains).findFirst()
        .orElse(null);
    return CompletableFuture.completedFuture(new HandshakeDecision.Accept(request,
        request.remoteAddress().getAddress().getHostAddress(), Principal.ANONYMOUS, chosen, null,
        Headers.EMPTY));
  }

  @Override
  public WsListener open(WsChannel client, HandshakeDecision.Accept accept) {
    RecordingListener listener = new RecordingListener(!accept.request().path().equals("/silent"));
    opened.add(listener);
    channels.add(client);
    return listener;
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
