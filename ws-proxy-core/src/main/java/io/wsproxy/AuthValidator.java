package io.wsproxy;

import io.wsproxy.security.internal.BearerValidator;
import io.wsproxy.security.internal.CompositeValidator;
import io.wsproxy.security.internal.IdentityHeaderValidator;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Decides who a handshake is, or refuses it: the extension point for JWT checks, database lookups,
 * session cookies. Ready validators are static factories here: bearer tokens ({@link #bearerTokens},
 * {@link #bearer}), an identity header set by a trusted proxy ({@link #identityHeader}) and
 * composition ({@link #anyOf}, {@link #allOf}).
 *
 * <p>Called once per handshake, after the origin check and before routing, on the transport's
 * handshake thread. It may answer asynchronously; the proxy waits at most the configured handshake
 * timeout. A validator that throws, completes exceptionally, returns {@code null} or times out
 * <b>fails closed</b>: the client is refused with 401 / 4401 and nothing is dialled.
 * Implementations must be thread-safe and must never log tokens (nor put them in rejection reasons,
 * exception messages or {@code toString}).
 */
@FunctionalInterface
public interface AuthValidator {

  /** The subprotocol a browser offers before its token: {@code Sec-WebSocket-Protocol: bearer, <token>}. */
  String BEARER_SUBPROTOCOL = "bearer";

  /**
   * Validates a handshake.
   *
   * @param request the handshake, with forwarded headers already normalised
   * @return a stage completing with a {@link Principal} or a {@link Rejection}
   */
  CompletionStage<AuthResult> validate(HandshakeRequest request);

  /**
   * {@code request} without the credentials this validator reads (wherever they are, whether valid
   * or not). The proxy calls it after {@link #validate}: route resolvers, listeners and the upstream
   * only ever see the result. Removing {@link #BEARER_SUBPROTOCOL} from the offered subprotocols
   * makes the proxy answer the client with {@code bearer} when the route negotiates no other
   * subprotocol. Must be fast and must not block. The default removes nothing.
   */
  default HandshakeRequest withoutCredentials(HandshakeRequest request) {
    return request;
  }

  /** Lets everyone in as {@link Principal#ANONYMOUS}: the default when no validator is set. */
  static AuthValidator none() {
    return CompositeValidator.NONE;
  }

  /**
   * Accepts {@code Authorization: Bearer <token>} (scheme in any case) with one of these tokens,
   * compared in constant time. The principal of the n-th distinct token (1-based) is named
   * {@code token-n}, with attributes {@code auth.method=bearer} and {@code auth.source} =
   * {@code authorization}, {@code subprotocol} or {@code query}.
   *
   * @throws IllegalArgumentException when there is no token or one holds whitespace, control
   *     characters or {@code , ; " \} (the message never shows a token)
   */
  static Bearer bearerTokens(String... tokens) {
    return bearerTokens(List.of(tokens));
  }

  /** As {@link #bearerTokens(String...)}. */
  static Bearer bearerTokens(Collection<String> tokens) {
    return BearerValidator.ofTokens(tokens);
  }

  /** Accepts a bearer token (as {@link #bearerTokens}) that {@code verifier} accepts. */
  static Bearer bearer(TokenVerifier verifier) {
    return BearerValidator.ofVerifier(verifier);
  }

  /**
   * Believes a user name in {@code headerName} (e.g. a VPN's {@code Tailscale-User-Login}) only when
   * the TCP peer is one of {@code trusted}; from any other peer, or with the header missing,
   * repeated, blank or longer than 256 chars, the request is refused (401). The principal is the
   * header's value with attributes {@code auth.method=identity-header}, {@code auth.source} =
   * the header name. From untrusted peers the header never reaches the upstream.
   */
  static AuthValidator identityHeader(String headerName, TrustedProxies trusted) {
    return new IdentityHeaderValidator(headerName, trusted);
  }

  /**
   * Tries each validator in order; the first {@link Principal} wins. When all refuse, the first
   * rejection is returned. A validator that fails counts as a refusal. Credentials of all are
   * removed ({@link #withoutCredentials}).
   */
  static AuthValidator anyOf(AuthValidator... validators) {
    return CompositeValidator.anyOf(List.of(validators));
  }

  /**
   * Runs each validator in order until one refuses (its rejection is returned). The principal is the
   * first validator's, with attributes of the later ones added where the key is new.
   */
  static AuthValidator allOf(AuthValidator... validators) {
    return CompositeValidator.allOf(List.of(validators));
  }

  /** Checks a presented bearer token: a database lookup, a JWT verification. Thread-safe. */
  @FunctionalInterface
  interface TokenVerifier {
    /** A {@link Principal}, or a {@link Rejection} such as {@code Rejection.unauthorized(...)}. */
    CompletionStage<AuthResult> verify(String token, HandshakeRequest request);
  }

  /** A bearer-token validator; immutable, each option returns a new validator. */
  interface Bearer extends AuthValidator {

    /**
     * Also takes the token from {@code Sec-WebSocket-Protocol: bearer, <token>} (browsers cannot set
     * {@code Authorization}). The client is answered with {@code bearer} (or the route's own
     * subprotocol when it negotiates one); the token is never offered upstream.
     */
    Bearer alsoFromSubprotocol();

    /**
     * Also takes the token from query parameter {@code name} (percent-decoded). The parameter is
     * removed from the query the route resolver and the upstream see, and never logged.
     */
    Bearer alsoFromQueryParameter(String name);
  }
}
