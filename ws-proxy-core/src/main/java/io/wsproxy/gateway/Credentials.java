package io.wsproxy.gateway;

import java.util.Objects;

/**
 * What a client sent in an {@code auth} message: a {@link Token} ({@code {"token": "..."}}) or a
 * {@link Password} ({@code {"password": "...", "username": "..."}}). {@code toString()} never shows
 * the secret.
 */
public sealed interface Credentials permits Credentials.Token, Credentials.Password {

  /** A bearer token or API key. */
  record Token(String token) implements Credentials {
    public Token {
      Objects.requireNonNull(token, "token");
    }

    @Override
    public String toString() {
      return "Token[***]";
    }
  }

  /** A password, with an optional user name ({@code null} when the client sent none). */
  record Password(String username, String password) implements Credentials {
    public Password {
      Objects.requireNonNull(password, "password");
    }

    @Override
    public String toString() {
      return "Password[username=" + username + ", password=***]";
    }
  }
}
