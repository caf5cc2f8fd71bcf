package io.wsproxy.security.internal;

import io.wsproxy.HandshakeRequest;
import io.wsproxy.Headers;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** Handshake requests for the security tests. */
public final class Handshakes {

  private Handshakes() {}

  /** A request to {@code /} from {@code peerIp} (a numeric address) with these headers. */
  public static HandshakeRequest from(String peerIp, String... headerNamesAndValues) {
    return builder(peerIp, headerNamesAndValues).build();
  }

  /** As {@link #from}, still open for path, query and secure flag. */
  public static HandshakeRequest.Builder builder(String peerIp, String... headerNamesAndValues) {
    return HandshakeRequest.builder().path("/")
        .remoteAddress(new InetSocketAddress(address(peerIp), 40_000))
        .headers(Headers.of(headerNamesAndValues));
  }

  /** A numeric address (no lookup happens for a literal). */
  public static InetAddress address(String ip) {
    try {
      return InetAddress.getByName(ip);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(ip, e);
    }
  }
}
