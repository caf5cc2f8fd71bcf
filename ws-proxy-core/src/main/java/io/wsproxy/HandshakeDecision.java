package io.wsproxy;

import java.util.Objects;

/**
 * The outcome of an endpoint's handshake pipeline: {@link Accept} or {@link Rejection}.
 */
public sealed interface HandshakeDecision permits HandshakeDecision.Accept, Rejection {

  /**
   * The client may connect.
   *
   * @param request         the handshake with credentials the validator read (bearer token,
   *                        token query parameter) removed and untrusted forwarding and identity
   *                        headers dropped
   * @param clientAddress   the client's IP address after forwarded-header normalisation
   * @param principal       who the client is
   * @param subprotocol     the subprotocol to answer the client with, or {@code null}
   * @param route           where to proxy to; {@code null} for endpoints that do not proxy (gateway)
   * @param upstreamHeaders headers to send upstream (forwarding headers set by the proxy included)
   */
  record Accept(HandshakeRequest request, String clientAddress, Principal principal,
      String subprotocol, Route route, Headers upstreamHeaders) implements HandshakeDecision {

    public Accept {
      Objects.requireNonNull(request, "request");
      Objects.requireNonNull(clientAddress, "clientAddress");
      Objects.requireNonNull(principal, "principal");
      Objects.requireNonNull(upstreamHeaders, "upstreamHeaders");
    }
  }
}
