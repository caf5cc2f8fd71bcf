package io.wsproxy.netty.internal;

import io.wsproxy.Headers;
import io.wsproxy.spi.UpgradeCheck;

/**
 * One HTTP request head as the server transport checks it: from the ready server's own
 * {@link RequestHeadDecoder}, or made from the {@code HttpRequest} of a host's Netty codec
 * ({@link UpgradeRequests#head}).
 *
 * @param method     the method as sent
 * @param target     the request target as sent
 * @param version    the protocol version, e.g. {@code HTTP/1.1}
 * @param headers    every field
 * @param fields     how many field lines there were (repeated names counted each time)
 * @param fieldBytes the fields' names and values, in characters
 * @param failure    0 for a request that was read, else the status it is refused with: 400 for a
 *                   malformed head, 431 for one over the limits (then nothing else is set)
 */
public record RequestHead(String method, String target, String version, Headers headers,
    int fields, long fieldBytes, int failure) {

  /** A head that could not be read, refused with {@code status}. */
  static RequestHead failed(int status) {
    return new RequestHead("", "", "", Headers.EMPTY, 0, 0, status);
  }

  /** Whether this asks to upgrade to WebSocket (an {@code Upgrade} token {@code websocket}). */
  public boolean isWebSocketUpgrade() {
    return failure == 0 && UpgradeCheck.hasToken(headers.all("Upgrade"), "websocket");
  }

  /** The reason sent with a {@link #failure}'s status. */
  String failureReason() {
    return failure == 431 ? "Request header fields too large" : "Bad request";
  }
}
