package io.wsproxy.internal;

import io.wsproxy.HandshakeRequest;
import io.wsproxy.Headers;
import io.wsproxy.TrustedProxies;
import java.net.InetAddress;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Works out who the client is and which headers go upstream. Client-sent forwarding headers are
 * dropped unless the peer is a trusted proxy; the proxy always sets {@code X-Forwarded-For},
 * {@code -Proto} and {@code -Host} itself. Hop-by-hop headers, the headers of the WebSocket
 * handshake (the upstream connector makes its own) and every header named in {@code Connection}
 * never go upstream. Stateless and thread-safe.
 */
public final class ForwardedHeaders {

  /** The outcome: the client's address and the headers for the upstream request. */
  public record Result(String clientAddress, Headers upstreamHeaders) {}

  private static final Set<String> NEVER_FORWARDED = lower(
      // hop-by-hop (RFC 7230 section 6.1)
      "Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "Proxy-Connection",
      "TE", "Trailer", "Transfer-Encoding", "Upgrade",
      // the WebSocket handshake itself: the upstream connector sends its own
      "Host", "Content-Length", "Expect", "Sec-WebSocket-Key", "Sec-WebSocket-Version",
      "Sec-WebSocket-Extensions", "Sec-WebSocket-Protocol", "Sec-WebSocket-Accept");

  private static final Set<String> FORWARDING = lower(
      "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Port",
      "X-Forwarded-Prefix", "X-Forwarded-Server", "X-Real-IP", "Forwarded");

  private ForwardedHeaders() {}

  /** Normalises {@code request}'s headers for the upstream. */
  public static Result normalise(HandshakeRequest request, TrustedProxies trusted) {
    InetAddress peer = request.remoteAddress().getAddress();
    String peerIp = peer == null ? request.remoteAddress().getHostString() : peer.getHostAddress();
    boolean peerTrusted = peer != null && trusted.isTrusted(peer);

    Set<String> connectionNamed = new TreeSet<>();
    for (String v : request.headers().all("Connection")) {
      for (String token : v.split(",")) {
        String t = token.trim().toLowerCase(Locale.ROOT);
        if (!t.isEmpty()) {
          connectionNamed.add(t);
        }
      }
    }

    Headers.Builder out = Headers.builder();
    request.headers().forEach((name, value) -> {
      String n = name.toLowerCase(Locale.ROOT);
      if (NEVER_FORWARDED.contains(n) || FORWARDING.contains(n) || connectionNamed.contains(n)) {
        return;
      }
      out.add(name, value);
    });

    String priorFor = peerTrusted ? String.join(", ", request.headers().all("X-Forwarded-For")) : "";
    out.set("X-Forwarded-For", priorFor.isBlank() ? peerIp : priorFor + ", " + peerIp);
    String proto = peerTrusted ? request.header("X-Forwarded-Proto").orElse(null) : null;
    out.set("X-Forwarded-Proto", proto != null ? proto : request.secure() ? "https" : "http");
    String host = peerTrusted ? request.header("X-Forwarded-Host").orElse(null) : null;
    if (host == null) {
      host = request.header("Host").orElse(null);
    }
    if (host != null) {
      out.set("X-Forwarded-Host", host);
    }
    return new Result(peerIp, out.build());
  }

  private static Set<String> lower(String... names) {
    Set<String> s = new TreeSet<>();
    for (String n : names) {
      s.add(n.toLowerCase(Locale.ROOT));
    }
    return Set.copyOf(s);
  }
}
