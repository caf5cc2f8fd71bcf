package io.wsproxy.conformance;

import io.wsproxy.HandshakeDecision;
import io.wsproxy.Headers;
import io.wsproxy.HandshakeRequest;
import io.wsproxy.Limits;
import io.wsproxy.Principal;
import io.wsproxy.RejectionMode;
import io.wsproxy.conformance.ConformanceFixture.RunningServer;
import io.wsproxy.spi.PendingHandshake;
import io.wsproxy.spi.Text;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsEndpoint;
import io.wsproxy.spi.WsListener;
import java.time.Duration;

/**
 * The child JVM of {@link DescriptorExhaustionConformanceKit}: starts the server under test (a
 * {@link ChildServer} named by class in {@code args[0]}) serving an echo endpoint, prints
 * {@code PORT <port>} on standard output, and serves until standard input ends (the parent closes
 * it, or dies), then stops the server and exits. Its log goes to standard error.
 */
public final class DescriptorExhaustionChild {

  /** The line the parent waits for. */
  static final String PORT_LINE = "PORT ";
  /**
   * The child's handshake timeout: far longer than the test, so the idle sockets hold their
   * descriptors until the parent lets them go.
   */
  static final Duration IDLE_ALLOWED = Duration.ofSeconds(60);

  private DescriptorExhaustionChild() {}

  public static void main(String[] args) throws Exception {
    ChildServer starter = (ChildServer) Class.forName(args[0]).getDeclaredConstructor()
        .newInstance();
    Limits limits = Limits.builder().handshakeTimeout(IDLE_ALLOWED).build();
    try (RunningServer server = starter.start(new Echo(limits))) {
      System.out.println(PORT_LINE + server.port());
      System.out.flush();
      while (System.in.read() >= 0) {
        // serve until the parent closes our standard input
      }
    }
    System.exit(0);
  }

  /** Accepts every upgrade and echoes text. */
  private record Echo(Limits limits) implements WsEndpoint {
    @Override
    public PendingHandshake handshake(HandshakeRequest request, Object affinity) {
      HandshakeDecision.Accept accept = new HandshakeDecision.Accept(request, "127.0.0.1",
          Principal.ANONYMOUS, null, null, Headers.EMPTY);
      return PendingHandshake.decided(accept, client -> new WsListener() {
        @Override
        public void onText(WsChannel channel, Text text) {
          channel.sendText(text);
        }
      });
    }

    @Override
    public RejectionMode rejectionMode() {
      return RejectionMode.HTTP_STATUS;
    }
  }
}
