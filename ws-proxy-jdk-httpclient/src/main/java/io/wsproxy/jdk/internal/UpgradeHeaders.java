package io.wsproxy.jdk.internal;

import io.wsproxy.Headers;
import java.net.http.WebSocket;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the request's headers into a {@link WebSocket.Builder}, leaving out what the JDK client
 * refuses: it fails the whole connect on a restricted name (it sets those itself) or a value with
 * control characters. Those headers are dropped and logged at debug, by name only.
 */
final class UpgradeHeaders {

  private static final Logger log = LoggerFactory.getLogger(UpgradeHeaders.class);

  /** Names the HTTP client reserves (jdk.internal.net.http.common.Utils), lower case. */
  private static final Set<String> RESTRICTED =
      Set.of("connection", "content-length", "expect", "host", "upgrade");
  /** The handshake fields (Sec-WebSocket-Key, -Version, -Protocol, ...): the client writes them. */
  private static final String HANDSHAKE_PREFIX = "sec-websocket-";

  private UpgradeHeaders() {}

  /** Adds every header of {@code headers} the JDK client accepts to {@code builder}. */
  static void copy(Headers headers, WebSocket.Builder builder) {
    headers.forEach((name, value) -> {
      if (isRestricted(name)) {
        log.debug("not forwarding header {}: the JDK client sets it itself", name);
      } else if (!isValidValue(value)) {
        log.debug("not forwarding header {}: its value has characters the JDK client refuses", name);
      } else {
        builder.header(name, value);
      }
    });
  }

  static boolean isRestricted(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return RESTRICTED.contains(lower) || lower.startsWith(HANDSHAKE_PREFIX);
  }

  /** RFC 9110 field-value characters as the JDK checks them: SP, HTAB, VCHAR and obs-text. */
  static boolean isValidValue(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean ok = c == ' ' || c == '\t' || (c >= 0x21 && c <= 0x7e) || (c >= 0x80 && c <= 0xff);
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
