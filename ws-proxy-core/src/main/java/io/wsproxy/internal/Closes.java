package io.wsproxy.internal;

import io.wsproxy.CloseCodes;
import io.wsproxy.spi.WsChannel;

/**
 * The one place the core maps close codes: what is sent on a channel, and what one side of a proxied
 * connection is told when the other ends. Stateless.
 *
 * <ul>
 *   <li>A code the channel's transport cannot send is mapped with {@link CloseCodes#forTransport}
 *       (1005 → 1000; 1006, 1015 → 1001; ...); reasons are cut to 123 UTF-8 bytes.</li>
 *   <li>A client that vanished (1006) closes its upstream with 1001 "Client went away"; a client
 *       close without a status (1005) becomes 1000.</li>
 *   <li>An upstream that vanished (1006) or failed TLS (1015) closes the client with the proxy's
 *       upstream-failure code (the route's, else the proxy's: 1014 Bad Gateway by default, or
 *       e.g. 4502).</li>
 *   <li>An upstream that broke RFC 6455 (1002, 1007: the proxy failed it, or it said so itself) or
 *       sent a code that is not valid on the wire closes the client with the upstream-failure code
 *       too: the client's frames were fine (its own leg checks them), so passing 1002 on would
 *       blame the client, and the connectors disagree on what they report for such an upstream
 *       (the JDK client reports an error, Netty and Java-WebSocket the code they failed it with).</li>
 * </ul>
 */
public final class Closes {

  /** Reason sent upstream when the client vanished without a close frame. */
  public static final String CLIENT_WENT_AWAY = "Client went away";
  /** Reason sent to the client when the upstream vanished. */
  public static final String UPSTREAM_LOST = "Upstream connection lost";
  /** Reason sent to the client when the upstream broke the protocol. */
  public static final String UPSTREAM_PROTOCOL_ERROR = "Upstream protocol error";

  private Closes() {}

  /** Closes {@code channel} with {@code code}, mapped to what its transport can send. */
  public static void close(WsChannel channel, int code, String reason) {
    channel.close(CloseCodes.forTransport(code, channel::canSendCloseCode),
        CloseCodes.truncateReason(reason == null ? "" : reason));
  }

  /** Closes the upstream with what the client's close of {@code code} means. */
  static void mirrorToUpstream(WsChannel upstream, int code, String reason) {
    if (code == CloseCodes.ABNORMAL) {
      close(upstream, CloseCodes.GOING_AWAY, CLIENT_WENT_AWAY);
    } else {
      close(upstream, code, reason);
    }
  }

  /** Closes the client with what the upstream's close of {@code code} means. */
  static void mirrorToClient(WsChannel client, int code, String reason, int upstreamFailureCode) {
    if (code == CloseCodes.ABNORMAL || code == CloseCodes.TLS_HANDSHAKE) {
      close(client, upstreamFailureCode, UPSTREAM_LOST);
    } else if (code == CloseCodes.PROTOCOL_ERROR || code == CloseCodes.INVALID_PAYLOAD
        || (code != CloseCodes.NO_STATUS && !CloseCodes.isSendable(code))) {
      close(client, upstreamFailureCode, UPSTREAM_PROTOCOL_ERROR);
    } else {
      close(client, code, reason);
    }
  }
}
