package io.wsproxy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Decides who a handshake is, or refuses it: the extension point for JWT checks, database lookups,
 * session cookies. The ready validators are static factories here (added with the security work).
 *
 * <p>Called once per handshake, after the origin check and before routing, on the transport's
 * handshake thread. It may answer asynchronously; the proxy waits at most the configured handshake
 * timeout. A validator that throws, completes exceptionally, returns {@code null} or times out
 * <b>fails closed</b>: the client is refused with 401 / 4401 and nothing is dialled.
 * Implementations must be thread-safe and must never log tokens.
 */
@FunctionalInterface
public interface AuthValidator {

  /**
   * Validates a handshake.
   *
   * @param request the handshake, with forwarded headers already normalised
   * @return a stage completing with a {@link Principal} or a {@link Rejection}
   */
  CompletionStage<AuthResult> validate(HandshakeRequest request);

  /** Lets everyone in as {@link Principal#ANONYMOUS}: the default when no validator is set. */
  static AuthValidator none() {
    return request -> CompletableFuture.completedFuture(Principal.ANONYMOUS);
  }
}
