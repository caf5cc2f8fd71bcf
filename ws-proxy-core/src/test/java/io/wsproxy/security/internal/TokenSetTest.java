package io.wsproxy.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenSetTest {

  @Test
  void findsEachTokenWhereverItIsInTheSet() {
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      tokens.add("token-number-" + i + "-abcdefgh");
    }
    TokenSet set = TokenSet.of(tokens);
    for (int i = 0; i < tokens.size(); i++) {
      assertEquals(i, set.indexOf(tokens.get(i)));
    }
  }

  @Test
  void refusesNearMissesOfAnyLength() {
    TokenSet set = TokenSet.of(List.of("abcdefghijklmnopqrstuvwxyz"));
    for (String t : List.of("", "a", "abcdefghijklmnopqrstuvwxy", "abcdefghijklmnopqrstuvwxyz0",
        "Abcdefghijklmnopqrstuvwxyz", "abcdefghijklmnopqrstuvwxyz".repeat(100))) {
      assertEquals(-1, set.indexOf(t), t);
    }
  }

  @Test
  void keepsOnlyHashes() {
    TokenSet set = TokenSet.of(List.of("visible-secret-value-123"));
    assertFalse(set.toString().contains("visible"));
    assertEquals(1, set.size());
    assertEquals(1, TokenSet.of(List.of("dup-dup-dup-dup-dup", "dup-dup-dup-dup-dup")).size());
  }

  @Test
  void refusesInvalidTokensByPosition() {
    assertThrows(IllegalArgumentException.class, () -> TokenSet.of(List.of()));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TokenSet.of(List.of("fine-token-fine-token", "tab\tinside")));
    assertFalse(e.getMessage().contains("tab"));
    assertThrows(IllegalArgumentException.class,
        () -> TokenSet.of(List.of("x".repeat(BearerValidator.MAX_TOKEN_CHARS + 1))));
  }
}
