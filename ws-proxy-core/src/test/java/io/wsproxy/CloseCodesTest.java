package io.wsproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CloseCodesTest {

  @Test
  void reportOnlyCodesNeverGoOnTheWire() {
    for (int code : new int[] {1004, 1005, 1006, 1015, 999, 1016, 2999, 5000}) {
      assertFalse(CloseCodes.isSendable(code), "code " + code);
    }
    for (int code : new int[] {1000, 1001, 1003, 1007, 1011, 1014, 3000, 4000, 4999}) {
      assertTrue(CloseCodes.isSendable(code), "code " + code);
    }
  }

  @Test
  void mapsCodesTheJdkClientRefusesToOnesItSends() {
    assertEquals(1008, CloseCodes.forTransport(1009, CloseCodesTest::sendableByJdkClient));
    assertEquals(1008, CloseCodes.forTransport(1002, CloseCodesTest::sendableByJdkClient));
    assertEquals(1001, CloseCodes.forTransport(1014, CloseCodesTest::sendableByJdkClient));
    assertEquals(1001, CloseCodes.forTransport(1012, CloseCodesTest::sendableByJdkClient));
    assertEquals(4000, CloseCodes.forTransport(4000, CloseCodesTest::sendableByJdkClient));
    assertEquals(1011, CloseCodes.forTransport(1011, CloseCodesTest::sendableByJdkClient));
  }

  @Test
  void mapsReportOnlyCodesForTheWire() {
    assertEquals(1000, CloseCodes.forWire(1005));
    assertEquals(1001, CloseCodes.forWire(1006));
    assertEquals(1001, CloseCodes.forWire(1015));
    assertEquals(1011, CloseCodes.forWire(2500));
    assertEquals(1014, CloseCodes.forWire(1014));
  }

  @Test
  void cutsReasonsTo123Utf8BytesOnACharacterBoundary() {
    String euro = "€".repeat(60); // 3 bytes each: 180 bytes
    String cut = CloseCodes.truncateReason(euro);
    assertEquals(41, cut.length());
    assertTrue(cut.getBytes(StandardCharsets.UTF_8).length <= CloseCodes.MAX_REASON_BYTES);
    String emoji = "a" + "\uD83D\uDE00".repeat(40); // 1 + 4*40 bytes; never split a surrogate pair
    String cutEmoji = CloseCodes.truncateReason(emoji);
    assertEquals(1 + 2 * 30, cutEmoji.length());
    assertEquals("short", CloseCodes.truncateReason("short"));
    assertEquals("", CloseCodes.truncateReason(null));
    String ascii = "x".repeat(200);
    assertEquals(123, CloseCodes.truncateReason(ascii).length());
  }

  /** What the JDK client sends: 1000, 1001, 1008, 1011 and 3000-4999. */
  private static boolean sendableByJdkClient(int code) {
    return code == 1000 || code == 1001 || code == 1008 || code == 1011
        || (code >= 3000 && code <= 4999);
  }
}
