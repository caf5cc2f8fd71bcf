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
 *
 * <p>A {@link #flooding flooding} echo also answers a text message {@code flood <bytes>} with that
 * many bytes as 64 KiB binary messages, as fast as the client's connection takes them (the {@code
 * bench} uses it to flood a client that does not read).
 */
public final class EchoEndpoint implements WsEndpoint {

  private final Limits limits;
  private final String label; // null: plain echo
  private final boolean flood;

  private EchoEndpoint(Limits limits, String label, boolean flood) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.label = label;
    this.flood = flood;
  }

  public EchoEndpoint(Limits limits) {
    this(limits, null, false);
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
    return new EchoEndpoint(Limits.DEFAULTS, label, false);
  }

  /**
   * A plain echo that also answers {@code flood <bytes>} (1 to 4 GiB, decimal) with that many bytes
   * of {@link io.wsproxy.examples.bench.FloodPattern} in 64 KiB binary messages, sent only while
   * the connection is writable. Any other text, such as {@code flood} with a bad count, is echoed.
   */
  public static EchoEndpoint flooding() {
    return new EchoEndpoint(Limits.DEFAULTS, null, true);
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
    return PendingHandshake.decided(accept,
        client -> new Echo(prefix, flood ? new EchoFlood() : null));
  }

  /** Echoes one client; pauses reading while the client does not take its echoes. */
  private static final class Echo implements WsListener {
    private final String prefix;
    private final EchoFlood flood; // null: no flood requests

    Echo(String prefix, EchoFlood flood) {
      this.prefix = prefix;
      this.flood = flood;
    }

    @Override
    public void onText(WsChannel channel, Text text) {
      long floodBytes = flood == null ? -1 : EchoFlood.requestedBytes(text);
      if (floodBytes > 0) {
        flood.request(channel, floodBytes);
        return;
      }
      pushBack(channel, channel.sendText(prefix == null ? text : Text.of(prefix + text)));
    }

    @Override
    public void onBinary(WsChannel channel, ByteBuffer data) {
      pushBack(channel, channel.sendBinary(data));
    }

    @Override
    public void onWritable(WsChannel channel) {
      channel.resumeReading();
      if (flood != null) {
        flood.pump(channel);
      }
    }

    @Override
    public void onClose(WsChannel channel, int code, String reason, boolean remote) {
      // the transport answers the client's close with its code
      if (flood != null) {
        flood.stop();
      }
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
