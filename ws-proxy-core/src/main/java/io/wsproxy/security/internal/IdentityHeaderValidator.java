package io.wsproxy.security.internal;

import io.wsproxy.AuthResult;
import io.wsproxy.AuthValidator;
import io.wsproxy.HandshakeRequest;
import io.wsproxy.Principal;
import io.wsproxy.Rejection;
import io.wsproxy.TrustedProxies;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@link AuthValidator#identityHeader}: the user name a trusted proxy (a VPN, an SSO gateway) put in
 * a header, believed only when the TCP peer itself is trusted. Immutable and thread-safe.
 */
public final class IdentityHeaderValidator implements AuthValidator {

  /** Longest identity accepted: 256 chars. */
  public static final int MAX_IDENTITY_CHARS = 256;

  private static final String METHOD = "identity-header";

  private final String headerName;
  private final TrustedProxies trusted;

  public IdentityHeaderValidator(String headerName, TrustedProxies trusted) {
    this.headerName = HeaderNames.requireToken("headerName", headerName);
    this.trusted = Objects.requireNonNull(trusted, "trusted");
    if (trusted.isEmpty()) {
      throw new IllegalArgumentException("trusted is empty: an identity header would never be "
          + "believed; list the proxies that set " + headerName);
    }
  }

  @Override
  public CompletionStage<AuthResult> validate(HandshakeRequest request) {
    return CompletableFuture.completedFuture(check(request));
  }

  private AuthResult check(HandshakeRequest request) {
    if (!peerTrusted(request)) {
      return Rejection.unauthorized("Identity header not accepted from this peer");
    }
    List<String> values = request.headers().all(headerName);
    if (values.isEmpty()) {
      return Rejection.unauthorized("Missing identity");
    }
    // A repeated field may reach us already combined into one value: with "," (RFC 7230 3.2.2) or
    // with "; " (Java-WebSocket 1.6.0). A login or e-mail never holds either, so such a value is a
    // duplicate, e.g. a trusted proxy that added its header next to the client's instead of
    // replacing it.
    if (values.size() > 1 || values.get(0).indexOf(',') >= 0 || values.get(0).indexOf(';') >= 0) {
      return Rejection.unauthorized("Duplicate identity header");
    }
    String identity = values.get(0).strip();
    if (identity.isEmpty() || identity.length() > MAX_IDENTITY_CHARS
        || identity.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      return Rejection.unauthorized("Malformed identity");
    }
    return new Principal(identity, Map.of(BearerValidator.ATTR_METHOD, METHOD,
        BearerValidator.ATTR_SOURCE, headerName));
  }

  private boolean peerTrusted(HandshakeRequest request) {
    InetAddress peer = request.remoteAddress().getAddress();
    return peer != null && trusted.isTrusted(peer);
  }

  /** From an untrusted peer the header is a forgery: it never goes further. */
  @Override
  public HandshakeRequest withoutCredentials(HandshakeRequest request) {
    if (peerTrusted(request) || !request.headers().contains(headerName)) {
      return request;
    }
    return request.toBuilder().headers(request.headers().toBuilder().remove(headerName).build())
        .build();
  }

  @Override
  public String toString() {
    return "AuthValidator.identityHeader{" + headerName + ", " + trusted + "}";
  }
}
