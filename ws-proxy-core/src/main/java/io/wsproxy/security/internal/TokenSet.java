package io.wsproxy.security.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fixed set of secret tokens, kept only as SHA-256 hashes and compared in constant time: a
 * presented token is hashed and compared with <em>every</em> stored hash by
 * {@link MessageDigest#isEqual}, without stopping at a match, so neither the tokens' lengths nor
 * which one matched (nor how much of it) shows in the timing. Immutable and thread-safe; never
 * prints a token.
 */
public final class TokenSet {

  private static final Logger log = LoggerFactory.getLogger(TokenSet.class);

  /** Tokens shorter than this are accepted but logged as weak: 16 chars. */
  public static final int WEAK_TOKEN_CHARS = 16;

  private static final String DIGEST = "SHA-256";

  private final List<byte[]> hashes;

  private TokenSet(List<byte[]> hashes) {
    this.hashes = hashes;
  }

  /**
   * The set of {@code tokens}.
   *
   * @throws IllegalArgumentException when there is none, or one is not a valid token (see
   *     {@link BearerValidator#isTokenSyntax}); the message gives its position, never its value
   */
  public static TokenSet of(Collection<String> tokens) {
    Objects.requireNonNull(tokens, "tokens");
    if (tokens.isEmpty()) {
      throw new IllegalArgumentException("tokens is empty");
    }
    LinkedHashSet<String> unique = new LinkedHashSet<>();
    int position = 0;
    for (String t : tokens) {
      position++;
      if (t == null || !BearerValidator.isTokenSyntax(t)) {
        throw new IllegalArgumentException("token #" + position + " is null, empty, longer than "
            + BearerValidator.MAX_TOKEN_CHARS + " chars, or has whitespace, control characters "
            + "or one of , ; \" \\");
      }
      if (t.length() < WEAK_TOKEN_CHARS) {
        log.warn("bearer token #{} is shorter than {} characters: easy to guess", position,
            WEAK_TOKEN_CHARS);
      }
      unique.add(t);
    }
    return new TokenSet(unique.stream().map(TokenSet::hash).toList());
  }

  /** Number of distinct tokens. */
  public int size() {
    return hashes.size();
  }

  /**
   * The position (0-based) of {@code token} in the set, or {@code -1}. Takes the same time whether
   * and wherever it matches: every hash is compared.
   */
  public int indexOf(String token) {
    byte[] h = hash(token);
    int found = -1;
    for (int i = 0; i < hashes.size(); i++) {
      boolean eq = MessageDigest.isEqual(h, hashes.get(i));
      found = eq && found < 0 ? i : found; // no early exit
    }
    return found;
  }

  private static byte[] hash(String token) {
    try {
      return MessageDigest.getInstance(DIGEST).digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(DIGEST + " is required of every Java platform", e);
    }
  }

  /** Never the tokens. */
  @Override
  public String toString() {
    return "TokenSet{" + hashes.size() + " tokens}";
  }
}
