package io.wsproxy.gateway;

import io.wsproxy.AuthResult;
import io.wsproxy.AuthValidator;
import io.wsproxy.HandshakeRequest;
import io.wsproxy.Principal;
import io.wsproxy.Rejection;
import io.wsproxy.gateway.internal.Secrets;
import io.wsproxy.security.internal.TokenSet;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Checks the credentials of a gateway {@code auth} message: the message-based counterpart of the
 * handshake's {@link AuthValidator}. Set one with {@link GatewayBuilder#messageAuth}.
 *
 * <p>Like an {@link AuthValidator} it answers a {@link Principal} or a {@link Rejection}, possibly
 * asynchronously, and <b>fails closed</b>: a validator that throws, completes exceptionally, answers
 * {@code null} or takes longer than the gateway's handshake timeout refuses the client.
 * {@link #usingAuthValidator} runs any handshake validator on the credentials, so custom validators
 * plug in exactly as for the proxy.
 *
 * <p><b>Threading.</b> Called on the transport thread that delivered the auth message; must be
 * thread-safe, must not block (answer a stage for slow checks) and must never log secrets.
 */
@FunctionalInterface
public interface CredentialsValidator {

  /**
   * Validates credentials.
   *
   * @param credentials what the client sent
   * @param handshake   the client's upgrade request (its path, peer and headers)
   */
  CompletionStage<AuthResult> validate(Credentials credentials, HandshakeRequest handshake);

  /**
   * Accepts a {@link Credentials.Token} equal to {@code token} (compared in constant time) as
   * {@code principal}; refuses everything else.
   */
  static CredentialsValidator token(String token, Principal principal) {
    Objects.requireNonNull(token, "token");
    return tokens(Map.of(token, Objects.requireNonNull(principal, "principal")));
  }

  /**
   * Accepts any of the tokens of {@code principals} as the principal it maps to; refuses
   * everything else. Tokens follow the rules of {@link AuthValidator#bearerTokens} and are kept
   * only as hashes, compared in constant time against all of them every time.
   *
   * @throws IllegalArgumentException when there is no token or one is not a valid token (the
   *     message never shows a token)
   */
  static CredentialsValidator tokens(Map<String, Principal> principals) {
    Objects.requireNonNull(principals, "principals");
    List<String> tokens = new ArrayList<>(principals.keySet());
    List<Principal> who = new ArrayList<>();
    tokens.forEach(t -> who.add(Objects.requireNonNull(principals.get(t), "principal")));
    TokenSet set = TokenSet.of(tokens);
    return (credentials, handshake) -> {
      int i = credentials instanceof Credentials.Token t ? set.indexOf(t.token()) : -1;
      return CompletableFuture.completedFuture(
          i >= 0 ? who.get(i) : Rejection.unauthorized("Invalid credentials"));
    };
  }

  /**
   * Accepts a {@link Credentials.Token} that {@code verifier} accepts: the same
   * {@link AuthValidator.TokenVerifier} (database lookup, JWT check) as the handshake's
   * {@link AuthValidator#bearer}, so one verifier serves both. Passwords are refused.
   */
  static CredentialsValidator verifier(AuthValidator.TokenVerifier verifier) {
    Objects.requireNonNull(verifier, "verifier");
    return (credentials, handshake) -> credentials instanceof Credentials.Token t
        ? verifier.verify(t.token(), handshake)
        : CompletableFuture.completedFuture(Rejection.unauthorized("Invalid credentials"));
  }

  /**
   * Accepts a {@link Credentials.Password} equal to {@code password} (compared in constant time,
   * whatever user name came with it) as {@code principal}; refuses everything else.
   */
  static CredentialsValidator password(String password, Principal principal) {
    Objects.requireNonNull(password, "password");
    if (password.isEmpty()) {
      throw new IllegalArgumentException("password must not be empty");
    }
    String expected = password;
    Objects.requireNonNull(principal, "principal");
    return (credentials, handshake) -> CompletableFuture.completedFuture(
        credentials instanceof Credentials.Password p && Secrets.equal(expected, p.password())
            ? principal : Rejection.unauthorized("Invalid credentials"));
  }

  /**
   * Runs a handshake {@link AuthValidator} on the credentials: the validator sees the client's
   * upgrade request with its {@code Authorization} header replaced by {@code Bearer <token>} for a
   * token, or {@code Basic base64(username:password)} for a password. A bearer-token or basic-auth
   * validator written for the proxy thus serves auth messages unchanged.
   */
  static CredentialsValidator usingAuthValidator(AuthValidator validator) {
    Objects.requireNonNull(validator, "validator");
    return (credentials, handshake) -> {
      String authorization;
      if (credentials instanceof Credentials.Token t) {
        authorization = "Bearer " + t.token();
      } else {
        Credentials.Password p = (Credentials.Password) credentials;
        String user = p.username() == null ? "" : p.username();
        authorization = "Basic " + Base64.getEncoder()
            .encodeToString((user + ":" + p.password()).getBytes(StandardCharsets.UTF_8));
      }
      HandshakeRequest synthetic = handshake.toBuilder()
          .headers(handshake.headers().toBuilder().set("Authorization", authorization).build())
          .build();
      return validator.validate(synthetic);
    };
  }
}
