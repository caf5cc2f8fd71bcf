package io.wsproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class HeadersTest {

  @Test
  void matchesNamesIgnoringCaseAndKeepsValueOrder() {
    Headers h = Headers.builder().add("X-Test", "1").add("x-test", "2").add("Other", "o").build();
    assertEquals(List.of("1", "2"), h.all("X-TEST"));
    assertEquals("1", h.first("x-Test").orElseThrow());
    assertTrue(h.names().contains("X-Test"));
    assertFalse(h.contains("missing"));
  }

  @Test
  void refusesCrLfAndNulInValuesNamingTheHeader() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Headers.of("X-Evil", "a\r\nSet-Cookie: x"));
    assertTrue(e.getMessage().contains("X-Evil"));
    assertThrows(IllegalArgumentException.class, () -> Headers.of("X", "a\u0000"));
    assertThrows(IllegalArgumentException.class, () -> Headers.of("Bad Name", "v"));
  }

  @Test
  void toStringShowsNamesButNeverValues() {
    Headers h = Headers.of("Authorization", "Bearer secret-token");
    assertFalse(h.toString().contains("secret-token"));
  }

  @Test
  void setReplacesEveryValue() {
    Headers h = Headers.of("A", "1", "a", "2").toBuilder().set("A", "3").build();
    assertEquals(List.of("3"), h.all("a"));
  }
}
