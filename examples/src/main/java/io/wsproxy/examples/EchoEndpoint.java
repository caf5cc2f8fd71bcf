package io.wsproxy.examples;

import io.wsproxy.HandshakeDecision;
import io.wsproxy.HandshakeRequest;
import io.wsproxy.Headers;
import io.wsproxy.Limits;
import io.wsproxy.Principal;
import io.wsproxy.RejectionMode;
import io.wsproxy.spi.PendingHandshake;
import io.wsproxy.spi.Text;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsEndpoint;
import io.wsproxy.spi.WsListener;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * An echo backend: every text and binary message is sent straight back, and a client's close code is
 * answered with the same code. Accepts any path and the first subprotocol offered. A small example of
 * implementing {@link io.wsproxy.spi.WsEndpoint} yourself; thread-safe and stateless.
 *
 * <p>A {@link #labelled labelled} echo prefixes each text reply with its label and the path the
 * client connected to ({@code "api /api/users: hi"}), so examples show which backend a proxied
 * connection reached and with what path.
 */
public final class EchoEndpoint implements WsEndpoint {

  private final Limits limits;
  private final String label; // null: plain echo

  private EchoEndpoint(Limits limits, String label) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.label = label;
  }

  public EchoEndpoint(Limits limits) {
    this(limits, null);
  }

  public EchoEndpoint() {
    this(Limits.DEFAULTS);
  }

  /** An echo whose text replies read {@code "<label> <path and query>: <text>"}. */
  public static EchoEndpoint labelled(String label) {
    Objects.requireNonNull(label, "label");
    if (label.isBlank()) {
      throw new IllegalArgumentException("label must not be blank");
    }
    return new EchoEndpoint(Limits.DEFAULTS, label);
  }

  @Override
  public PendingHandshake handshake(HandshakeRequest request, Object affinity) {
    String peer = request.remoteAddress().getAddress() == null
        ? request.remoteAddress().getHostString()
        : request.remoteAddress().getAddress().getHostAddress();
    String subprotocol = request.subprotocols().isEmpty() ? null : request.subprotocols().get(0);
    HandshakeDecision.Accept accept = new HandshakeDecision.Accept(request, peer,
        Principal.ANONYMOUS, subprotocol, null, Headers.EMPTY);
    String prefix = label == null ? null : label + " " + request.pathAndQuery() + ": ";
    return PendingHandshake.decided(accept, client -> new Echo(prefix));
  }

  /** Echoes one client; pauses reading while the client does not take its echoes. */
  private static final class Echo implements WsListener {
    private final String prefix;

    Echo(String prefix) {
      this.prefix = prefix;
    }

    @Override
    public void onText(WsChannel channel, Text text) {
      pushBack(channel, channel.sendText(prefix == null ? text : Text.of(prefix + text)));
    }

    @Override
    public void onBinary(WsChannel channel, ByteBuffer data) {
      pushBack(channel, channel.sendBinary(data));
    }

    @Override
    public void onWritable(WsChannel channel) {
      channel.resumeReading();
    }

    @Override
    public void onClose(WsChannel channel, int code, String reason, boolean remote) {
      // the transport answers the client's close with its code
    }

    private static void pushBack(WsChannel channel, boolean writable) {
      if (!writable) {
        channel.pauseReading(); // a no-op where the transport cannot pause
        if (channel.isWritable()) {
          channel.resumeReading(); // it drained before the pause: onWritable has been and gone
        }
      }
    }
  }

  @Override
  public Limits limits() {
    return limits;
  }

  @Override
  public RejectionMode rejectionMode() {
    return RejectionMode.HTTP_STATUS;
  }
}
