package io.wsproxy.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.Headers;
import org.junit.jupiter.api.Test;

class UpgradeCheckTest {

  private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

  private static Headers.Builder valid() {
    return Headers.builder().add("Host", "proxy.test").add("Upgrade", "websocket")
        .add("Connection", "keep-alive, Upgrade").add("Sec-WebSocket-Version", "13")
        .add("Sec-WebSocket-Key", KEY);
  }

  private static UpgradeCheck.Refusal check(Headers.Builder h) {
    return UpgradeCheck.check("GET", "HTTP/1.1", h.build());
  }

  @Test
  void acceptsAValidUpgradeWithTokensInAnyCase() {
    assertNull(check(valid()));
    assertNull(check(valid().set("Upgrade", "WebSocket").set("Connection", "upgrade")));
    assertNull(check(valid().add("Content-Length", "0")));
  }

  @Test
  void refusesHttp10AndOtherMethods() {
    assertEquals(400, UpgradeCheck.check("GET", "HTTP/1.0", valid().build()).status());
    UpgradeCheck.Refusal post = UpgradeCheck.check("POST", "HTTP/1.1", valid().build());
    assertEquals(405, post.status());
    assertEquals("GET", post.headers().first("Allow").orElseThrow());
  }

  @Test
  void refusesAMissingOrRepeatedHost() {
    assertEquals(400, check(valid().remove("Host")).status());
    assertEquals(400, check(valid().add("Host", "evil.example")).status());
  }

  @Test
  void answers426ToAnUpgradeThatIsNotAWebSocketOne() {
    assertEquals(426, check(valid().set("Upgrade", "h2c")).status());
    assertEquals(426, check(valid().set("Connection", "keep-alive")).status());
    assertEquals(426, check(valid().remove("Upgrade")).status());
  }

  @Test
  void answers426WithTheSupportedVersionToAnotherVersion() {
    UpgradeCheck.Refusal r = check(valid().set("Sec-WebSocket-Version", "12"));
    assertEquals(426, r.status());
    assertEquals("13", r.headers().first("Sec-WebSocket-Version").orElseThrow());
    assertEquals(426, check(valid().remove("Sec-WebSocket-Version")).status());
  }

  @Test
  void refusesAKeyThatIsNotSixteenBytes() {
    assertEquals(400, check(valid().set("Sec-WebSocket-Key", "c2hvcnQ=")).status());
    assertEquals(400, check(valid().set("Sec-WebSocket-Key", "not base64 at all!!!!!!!")).status());
    assertEquals(400, check(valid().remove("Sec-WebSocket-Key")).status());
    assertEquals(400, check(valid().add("Sec-WebSocket-Key", KEY)).status());
    assertTrue(UpgradeCheck.isValidKey(KEY));
    assertFalse(UpgradeCheck.isValidKey(KEY.substring(1)));
  }

  @Test
  void refusesAnUpgradeWithABody() {
    assertEquals(400, check(valid().add("Content-Length", "5")).status());
    assertEquals(400, check(valid().add("Transfer-Encoding", "chunked")).status());
  }

  @Test
  void takesAsAKeyExactlyWhatTheJdkDecodesToSixteenBytes() {
    String[] keys = {KEY, "AAAAAAAAAAAAAAAAAAAAAA==", "AAAAAAAAAAAAAAAAAAAAAB==", // unused bits set
        "+/+/+/+/+/+/+/+/+/+/+w==", "AAAAAAAAAAAAAAAAAAAAA===", "AAAAAAAAAAAAAAAAAAAAAAA=",
        "AAAAAAAAAAAAAAAAAAAAAAAA", "-_-_-_-_-_-_-_-_-_-_-w==", "AAAAAAAAAAAAAAAAAAAA AA==",
        "AAAAAAAAAAAAAAAAAAAAAA=", "AAAAAAAAAAAAAAAAAAAAAA===", "AAAAAAAAAAAAAAAAAAAAA\u00e9==", ""};
    for (String k : keys) {
      boolean decodes;
      try {
        decodes = java.util.Base64.getDecoder().decode(k).length == 16;
      } catch (IllegalArgumentException e) {
        decodes = false;
      }
      assertEquals(decodes, UpgradeCheck.isValidKey(k), k);
    }
  }

  @Test
  void findsATokenInCommaSeparatedValuesIgnoringAsciiCaseAndWhiteSpace() {
    assertTrue(UpgradeCheck.hasToken(java.util.List.of("keep-alive, Upgrade"), "upgrade"));
    assertTrue(UpgradeCheck.hasToken(java.util.List.of("x", "\tUPGRADE ,"), "upgrade"));
    assertTrue(UpgradeCheck.hasToken(java.util.List.of(",,upgrade"), "upgrade"));
    assertFalse(UpgradeCheck.hasToken(java.util.List.of("upgrades, keep-alive"), "upgrade"));
    assertFalse(UpgradeCheck.hasToken(java.util.List.of("up grade", ""), "upgrade"));
    assertFalse(UpgradeCheck.hasToken(java.util.List.of(), "upgrade"));
    assertFalse(UpgradeCheck.hasToken(java.util.List.of("websoc\u212Aet"), "websocket"),
        "the Kelvin sign is no k: tokens are ASCII");
  }
}
