package io.wsproxy.gateway;

import io.wsproxy.AuthResult;
import io.wsproxy.AuthValidator;
import io.wsproxy.HandshakeRequest;
import io.wsproxy.Principal;
import io.wsproxy.Rejection;
import io.wsproxy.gateway.internal.Secrets;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Checks the credentials of a gateway {@code auth} message: the message-based counterpart of the
 * handshake's {@link AuthValidator}. Set one with {@link Gateway.Builder#messageAuth}.
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
    return tokens(Map.of(requireSecret(token, "token"), Objects.requireNonNull(principal, "principal")));
  }

  /**
   * Accepts any of the tokens of {@code principals} (each compared in constant time, all of them
   * every time) as the principal it maps to; refuses everything else.
   */
  static CredentialsValidator tokens(Map<String, Principal> principals) {
    Objects.requireNonNull(principals, "principals");
    if (principals.isEmpty()) {
      throw new IllegalArgumentException("principals must not be empty");
    }
    principals.forEach((t, p) -> {
      requireSecret(t, "token");
      Objects.requireNonNull(p, "principal");
    });
    Map<String, Principal> copy = Map.copyOf(principals);
    return (credentials, handshake) -> {
      Principal found = null;
      if (credentials instanceof Credentials.Token t) {
        for (Map.Entry<String, Principal> e : copy.entrySet()) {
          if (Secrets.equal(e.getKey(), t.token()) && found == null) {
            found = e.getValue();
          }
        }
      }
      return CompletableFuture.completedFuture(
          found != null ? found : Rejection.unauthorized("Invalid credentials"));
    };
  }

  /**
   * Accepts a {@link Credentials.Password} equal to {@code password} (compared in constant time,
   * whatever user name came with it) as {@code principal}; refuses everything else.
   */
  static CredentialsValidator password(String password, Principal principal) {
    String expected = requireSecret(password, "password");
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

  private static String requireSecret(String secret, String field) {
    Objects.requireNonNull(secret, field);
    if (secret.isEmpty()) {
      throw new IllegalArgumentException(field + " must not be empty");
    }
    return secret;
  }
}
