package io.wsproxy.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.wsproxy.ConnectionInfo;
import io.wsproxy.ConnectionSummary;
import io.wsproxy.HandshakeRequest;
import io.wsproxy.Principal;
import io.wsproxy.Rejection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link AccessLog} lines, their redaction and their rate limit, driven directly. */
class AccessLogTest {

  private final List<String> lines = new ArrayList<>();
  private final AtomicLong now = new AtomicLong();

  private AccessLog log(AccessLog.Format format) {
    return new AccessLog(format, lines::add, now::get);
  }

  private static HandshakeRequest request(String target) {
    return HandshakeRequest.builder().target(target)
        .remoteAddress(new InetSocketAddress("127.0.0.1", 5555)).build();
  }

  @Test
  void credentialLikeQueryValuesAreRedactedAndOthersKept() {
    assertEquals("/ws?room=a&access_token=REDACTED&X-Api-Key=REDACTED&page=2",
        AccessLog.redact("/ws?room=a&access_token=s3cr3t&X-Api-Key=k&page=2"));
    assertEquals("/ws", AccessLog.redact("/ws"));
    assertEquals("/ws?flag&sig=REDACTED", AccessLog.redact("/ws?flag&sig=abc"));
  }

  @Test
  void aConnectionLineCarriesEveryFieldAsText() {
    log(AccessLog.Format.TEXT).connectionClosed(
        new ConnectionInfo(7, "203.0.113.9", "/echo", URI.create("ws://up:9/x?token=t"),
            Principal.of("alice"), "chat"),
        new ConnectionSummary(true, "chat", 1000, "bye now", 1000, "", "client closed",
            Duration.ofMillis(1234), 2, 20, 3, 30));
    assertEquals("connection id=7 client=203.0.113.9 path=/echo"
        + " upstream=\"ws://up:9/x?token=REDACTED\" principal=alice subprotocol=chat opened=true"
        + " duration_ms=1234"
        + " msgs_to_upstream=2 bytes_to_upstream=20 msgs_to_client=3 bytes_to_client=30"
        + " client_code=1000 client_reason=\"bye now\" upstream_code=1000 upstream_reason=\"\""
        + " end=\"client closed\"", lines.get(0));
  }

  @Test
  void linesOfOneThreadEachHoldOnlyTheirOwnFields() {
    AccessLog log = log(AccessLog.Format.TEXT);
    String longReason = "x".repeat(5000); // grows the builder past what is kept for the next line
    for (String reason : List.of("first", longReason, "third", "fourth")) {
      log.connectionClosed(new ConnectionInfo(1, "198.51.100.1", "/a", URI.create("ws://up/a"),
              null, null),
          new ConnectionSummary(true, null, 1000, reason, 1000, "", "", Duration.ZERO, 0, 0, 0, 0));
    }
    assertEquals(4, lines.size());
    assertTrue(lines.get(0).startsWith("connection id=1 client=198.51.100.1 path=/a "), lines.get(0));
    assertTrue(lines.get(0).contains(" client_reason=first "), lines.get(0));
    assertTrue(lines.get(1).contains(" client_reason=" + longReason + " "));
    assertEquals(lines.get(0).replace("first", "third"), lines.get(2));
    assertEquals(lines.get(0).replace("first", "fourth"), lines.get(3));
  }

  @Test
  void aRefusalLineInJsonHasItsStatusAndReasonAndNoToken() {
    log(AccessLog.Format.JSON).handshakeRejected(request("/echo?token=abc&x=1"),
        Rejection.unauthorized("Invalid \"token\""));
    JsonObject line = JsonParser.parseString(lines.get(0)).getAsJsonObject();
    assertEquals("refused", line.get("event").getAsString());
    assertEquals("127.0.0.1", line.get("peer").getAsString());
    assertEquals("/echo?token=REDACTED&x=1", line.get("path").getAsString());
    assertEquals(401, line.get("status").getAsInt());
    assertEquals(4401, line.get("close_code").getAsInt());
    assertEquals("Invalid \"token\"", line.get("reason").getAsString());
  }

  @Test
  void aFloodOfRefusalsIsCutToTheBurstThenSummarisedOnceTimePasses() {
    AccessLog log = log(AccessLog.Format.TEXT);
    for (int i = 0; i < 10_000; i++) {
      log.handshakeRejected(request("/x"), Rejection.forbidden("Origin not allowed"));
    }
    assertEquals(AccessLog.REFUSAL_BURST, lines.size());

    now.addAndGet(Duration.ofSeconds(1).toNanos());
    log.handshakeRejected(request("/x"), Rejection.forbidden("Origin not allowed"));
    assertEquals("suppressed kind=refusals lines=" + (10_000 - AccessLog.REFUSAL_BURST),
        lines.get(AccessLog.REFUSAL_BURST));
    assertTrue(lines.get(lines.size() - 1).startsWith("refused "));
    assertEquals(AccessLog.REFUSAL_BURST + 2, lines.size());
  }
}
