package io.wsproxy;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.IntPredicate;

/**
 * WebSocket close codes (RFC 6455 section 7.4 and the IANA registry) and the proxy's rules for them.
 *
 * <ul>
 *   <li>1005, 1006 and 1015 only report what happened; they never go on the wire.</li>
 *   <li>Codes a transport refuses to send (the JDK client refuses 1002, 1003, 1007, 1009, 1010 and
 *       1012–1014) are mapped by {@link #forTransport}.</li>
 *   <li>Reasons are cut to {@link #MAX_REASON_BYTES} bytes of UTF-8, never inside a character.</li>
 * </ul>
 */
public final class CloseCodes {

  public static final int NORMAL = 1000;
  public static final int GOING_AWAY = 1001;
  public static final int PROTOCOL_ERROR = 1002;
  public static final int UNSUPPORTED_DATA = 1003;
  /** Reported when a close frame had no code; never sent. */
  public static final int NO_STATUS = 1005;
  /** Reported when the connection dropped without a close frame; never sent. */
  public static final int ABNORMAL = 1006;
  public static final int INVALID_PAYLOAD = 1007;
  public static final int POLICY_VIOLATION = 1008;
  public static final int MESSAGE_TOO_BIG = 1009;
  public static final int MANDATORY_EXTENSION = 1010;
  public static final int INTERNAL_ERROR = 1011;
  public static final int SERVICE_RESTART = 1012;
  public static final int TRY_AGAIN_LATER = 1013;
  /** The upstream could not be reached or failed: the proxy's default for connect failures. */
  public static final int BAD_GATEWAY = 1014;
  /** Reported when the TLS handshake failed; never sent. */
  public static final int TLS_HANDSHAKE = 1015;

  /** Handshake refusals in close-code mode: 4000 + the HTTP status. */
  public static final int BAD_REQUEST = 4400;
  public static final int UNAUTHORIZED = 4401;
  public static final int FORBIDDEN = 4403;
  public static final int NOT_FOUND = 4404;
  public static final int TOO_MANY_REQUESTS = 4429;

  /** Longest close reason: a close frame's payload is at most 125 bytes, 2 of them the code. */
  public static final int MAX_REASON_BYTES = 123;

  private CloseCodes() {}

  /** Whether {@code code} may appear in a close frame on the wire (RFC 6455 section 7.4). */
  public static boolean isSendable(int code) {
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014)
        || (code >= 3000 && code <= 4999);
  }

  /**
   * {@code code} if it {@linkplain #isSendable may be sent}.
   *
   * @throws IllegalArgumentException naming {@code field} if it may not
   */
  public static int requireSendable(String field, int code) {
    if (!isSendable(code)) {
      throw new IllegalArgumentException(field + " cannot be sent on the wire: " + code);
    }
    return code;
  }

  /**
   * The code to send on a side whose transport accepts only codes matching {@code canSend}, to carry
   * {@code code} across: the code itself when the transport can send it, else the nearest meaning
   * it can send.
   *
   * <ul>
   *   <li>1005 (no status) → 1000; 1006 (dropped) and 1015 (TLS) → 1001 Going Away;</li>
   *   <li>1002, 1003, 1007, 1009, 1010 (the peer broke a rule) → 1008 Policy Violation;</li>
   *   <li>1012, 1013, 1014 (server conditions) → 1001 Going Away;</li>
   *   <li>anything else unsendable → 1011 Internal Error, or 1000 as the last resort.</li>
   * </ul>
   */
  public static int forTransport(int code, IntPredicate canSend) {
    if (canSend.test(code)) {
      return code;
    }
    int mapped = switch (code) {
      case NO_STATUS -> NORMAL;
      case ABNORMAL, TLS_HANDSHAKE, SERVICE_RESTART, TRY_AGAIN_LATER, BAD_GATEWAY -> GOING_AWAY;
      case PROTOCOL_ERROR, UNSUPPORTED_DATA, INVALID_PAYLOAD, MESSAGE_TOO_BIG, MANDATORY_EXTENSION ->
          POLICY_VIOLATION;
      default -> INTERNAL_ERROR;
    };
    return canSend.test(mapped) ? mapped : NORMAL;
  }

  /** {@link #forTransport} for a transport that sends every {@link #isSendable} code. */
  public static int forWire(int code) {
    return forTransport(code, CloseCodes::isSendable);
  }

  /** {@code reason} cut to at most {@value #MAX_REASON_BYTES} UTF-8 bytes on a character boundary. */
  public static String truncateReason(String reason) {
    if (reason == null || reason.isEmpty()) {
      return "";
    }
    if (reason.length() * 3 <= MAX_REASON_BYTES) {
      return reason; // fast path: cannot exceed the limit
    }
    CharsetEncoder enc = StandardCharsets.UTF_8.newEncoder()
        .onMalformedInput(CodingErrorAction.REPLACE)
        .onUnmappableCharacter(CodingErrorAction.REPLACE);
    ByteBuffer out = ByteBuffer.allocate(MAX_REASON_BYTES);
    CharBuffer in = CharBuffer.wrap(reason);
    enc.encode(in, out, true); // stops before a character that does not fit whole
    return reason.substring(0, in.position());
  }
}
