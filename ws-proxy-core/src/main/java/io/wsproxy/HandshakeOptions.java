package io.wsproxy;

import java.util.List;
import java.util.Objects;

/**
 * The handshake half of an endpoint's configuration, shared by {@link WebSocketProxy} and the
 * {@code Gateway}: who may connect (origin, auth, trusted proxies, identity headers), within which
 * limits, and how refusals are answered. Immutable; made by an {@link EndpointBuilder}.
 *
 * @param originFilter    the origin check
 * @param authValidator   the authentication
 * @param trustedProxies  peers whose forwarding and identity headers are believed
 * @param identityHeaders extra identity headers dropped from untrusted peers (the well-known ones
 *                        always are)
 * @param limits          sizes, timeouts and caps
 * @param rejectionMode   how refused handshakes are answered
 */
public record HandshakeOptions(OriginFilter originFilter, AuthValidator authValidator,
    TrustedProxies trustedProxies, List<String> identityHeaders, Limits limits,
    RejectionMode rejectionMode) {

  public HandshakeOptions {
    Objects.requireNonNull(originFilter, "originFilter");
    Objects.requireNonNull(authValidator, "authValidator");
    Objects.requireNonNull(trustedProxies, "trustedProxies");
    identityHeaders = List.copyOf(Objects.requireNonNull(identityHeaders, "identityHeaders"));
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(rejectionMode, "rejectionMode");
  }
}
