package io.wsproxy;

/**
 * Decides whether a handshake's {@code Origin} is allowed. Ready filters are static factories here.
 *
 * <p>Checked first in the handshake pipeline (after forwarded headers are normalised); a refusal is
 * 403 / 4403 and nothing is dialled. Implementations must be thread-safe and must not block.
 */
@FunctionalInterface
public interface OriginFilter {

  /** Whether the request's origin (its {@code Origin} headers) is allowed. */
  boolean allows(HandshakeRequest request);
}
