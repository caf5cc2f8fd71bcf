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

  @Test
  void groupsValuesUnderTheFirstSpellingInTheOrderNamesFirstAppeared() {
    Headers h = Headers.builder().add("B", "1").add("A", "x").add("b", "2").add("C", "y")
        .add("B", "3").build();
    List<String> pairs = new java.util.ArrayList<>();
    h.forEach((name, value) -> pairs.add(name + "=" + value));
    assertEquals(List.of("B=1", "B=2", "B=3", "A=x", "C=y"), pairs);
    assertEquals(List.of("B", "A", "C"), List.copyOf(h.names()));
    assertEquals(3, h.size());
    assertEquals(List.of("1", "2", "3"), h.toMap().get("B"));
  }

  @Test
  void aCopyKeepsEveryFieldOfOneValueAndOfManyAndEqualsTheOriginal() {
    Headers distinct = Headers.of("Host", "h", "Upgrade", "websocket");
    Headers grouped = Headers.of("A", "1", "B", "x", "a", "2");
    for (Headers h : List.of(distinct, grouped)) {
      Headers copy = h.toBuilder().build();
      assertEquals(h, copy);
      assertEquals(h.hashCode(), copy.hashCode());
      assertEquals(h.toMap(), copy.toMap());
    }
    assertEquals(java.util.Map.of("Host", List.of("h"), "Upgrade", List.of("websocket")),
        distinct.toMap());
    assertEquals(List.of("websocket"), distinct.all("upgrade"));
    assertEquals("x", grouped.first("b").orElseThrow());
    assertEquals(List.of("1", "2"), grouped.toBuilder().add("C", "c").build().all("A"));
    assertEquals(List.of(), distinct.all("A"));
  }

  @Test
  void findsEveryFieldOfALargeSetIgnoringCase() {
    Headers.Builder b = Headers.builder();
    for (int i = 0; i < 300; i++) {
      b.add("X-Field-" + i, "v" + i);
      b.add("x-field-" + (i / 2), "w" + i); // second values, under another spelling
    }
    Headers h = b.remove("X-FIELD-7").build();
    assertEquals(299, h.size());
    assertEquals(List.of("v0", "w0", "w1"), h.all("x-FIELD-0"));
    assertEquals(List.of("v299"), h.all("X-Field-299"));
    assertFalse(h.contains("x-field-7"));
    assertEquals(h, h.toBuilder().build());
  }

  @Test
  void removeKeepsTheOrderOfTheOtherFields() {
    Headers h = Headers.of("A", "1", "B", "2", "a", "3", "C", "4").toBuilder().remove("a")
        .add("A", "5").build();
    assertEquals(List.of("B", "C", "A"), List.copyOf(h.names()));
    assertEquals(List.of("5"), h.all("A"));
  }

  @Test
  void foldsOnlyAsciiCase() {
    Headers h = Headers.of("Kind", "k", "Id", "i");
    assertTrue(h.contains("KIND"));
    assertFalse(h.contains("\u212Aind"), "the Kelvin sign is not a K");
    assertFalse(h.contains("\u0130d"), "a dotted capital I is not an I");
  }
}
