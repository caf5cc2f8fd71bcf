package io.wsproxy.jdk.internal;

import io.wsproxy.CloseCodes;
import java.nio.charset.StandardCharsets;

/**
 * What the JDK's {@code java.net.http.WebSocket} agrees to put in a close frame. Its
 * {@code sendClose} fails with {@link IllegalArgumentException} for any other code
 * ({@code jdk.internal.net.http.websocket.StatusCodes.isLegalToSendFromClient}: 1002, 1003, 1007,
 * 1009, 1010 and 1012–1014 are refused as codes "a client API must not send", besides the codes that
 * never go on the wire), and for a reason that is not well-formed UTF-16 or is over 123 bytes.
 *
 * <p>This knowledge belongs to this module only: the core maps codes through
 * {@link io.wsproxy.spi.WsChannel#canSendCloseCode}. Stateless; thread-safe.
 */
final class JdkCloseCodes {

  private JdkCloseCodes() {}

  /** Whether the JDK client sends {@code code}: 1000, 1001, 1008, 1011 and 3000–4999. */
  static boolean canSend(int code) {
    return code == CloseCodes.NORMAL || code == CloseCodes.GOING_AWAY
        || code == CloseCodes.POLICY_VIOLATION || code == CloseCodes.INTERNAL_ERROR
        || (code >= 3000 && code <= 4999);
  }

  /** {@code code}, or the nearest code the JDK sends ({@link CloseCodes#forTransport}). */
  static int sendable(int code) {
    return CloseCodes.forTransport(code, JdkCloseCodes::canSend);
  }

  /** Cut to 123 bytes; a reason that is not well-formed UTF-16 would make the JDK refuse the close. */
  static String sendableReason(String reason) {
    String cut = CloseCodes.truncateReason(reason);
    return StandardCharsets.UTF_8.newEncoder().canEncode(cut) ? cut : "";
  }
}
