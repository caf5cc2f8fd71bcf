package io.wsproxy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link HeaderNameTable} finds each name in any case with all its flags, and nothing else. */
class HeaderNameTableTest {

  private final HeaderNameTable table = new HeaderNameTable.Builder()
      .add(1, "Connection", "Upgrade", "Sec-WebSocket-Key")
      .add(2, "X-Forwarded-For", "upgrade")
      .add(4, "X-Real-IP")
      .build();

  @Test
  void findsANameInAnyCaseWithEveryFlagItWasGiven() {
    assertEquals(1, table.flags("connection"));
    assertEquals(1, table.flags("CONNECTION"));
    assertEquals(1, table.flags("sec-websocket-KEY"));
    assertEquals(3, table.flags("UpGrAdE"), "added twice, in two cases: both flags");
    assertEquals(2, table.flags("x-forwarded-for"));
    assertEquals(4, table.flags("x-real-ip"));
  }

  @Test
  void namesNotInTheTableHaveNoFlags() {
    for (String name : List.of("Connections", "Connectio", "X-Forwarded-Fox", "", "Origin")) {
      assertEquals(0, table.flags(name), name);
    }
  }

  @Test
  void aFullerTableStillFindsEveryName() {
    HeaderNameTable.Builder b = new HeaderNameTable.Builder();
    for (int i = 0; i < 100; i++) {
      b.add(1 << (i % 8), "Header-" + i);
    }
    HeaderNameTable t = b.build();
    for (int i = 0; i < 100; i++) {
      assertEquals(1 << (i % 8), t.flags("HEADER-" + i), "Header-" + i);
    }
    assertEquals(0, t.flags("Header-100"));
  }
}
