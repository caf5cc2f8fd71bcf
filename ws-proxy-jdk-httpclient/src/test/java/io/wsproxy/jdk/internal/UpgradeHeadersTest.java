package io.wsproxy.jdk.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.Headers;
import java.net.URI;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class UpgradeHeadersTest {

  /** Collects the headers it is given. */
  private static final class RecordingBuilder implements WebSocket.Builder {
    final List<String> headers = new ArrayList<>();

    @Override
    public WebSocket.Builder header(String name, String value) {
      headers.add(name + ": " + value);
      return this;
    }

    @Override
    public WebSocket.Builder connectTimeout(Duration timeout) {
      return this;
    }

    @Override
    public WebSocket.Builder subprotocols(String mostPreferred, String... lesserPreferred) {
      return this;
    }

    @Override
    public CompletableFuture<WebSocket> buildAsync(URI uri, WebSocket.Listener listener) {
      throw new UnsupportedOperationException();
    }
  }

  @Test
  void copiesOrdinaryHeadersWithEveryValueInOrder() {
    RecordingBuilder b = new RecordingBuilder();

    UpgradeHeaders.copy(Headers.of("X-Forwarded-For", "203.0.113.7", "Cookie", "a=1",
        "X-Forwarded-For", "10.0.0.1", "X-Obs", "caf\u00e9"), b);

    assertEquals(List.of("X-Forwarded-For: 203.0.113.7", "X-Forwarded-For: 10.0.0.1", "Cookie: a=1",
        "X-Obs: caf\u00e9"), b.headers);
  }

  @Test
  void leavesOutRestrictedNamesWhateverTheirCase() {
    RecordingBuilder b = new RecordingBuilder();

    UpgradeHeaders.copy(Headers.of("HOST", "x", "connection", "close", "Upgrade", "h2c",
        "content-LENGTH", "1", "Expect", "100-continue", "sec-websocket-key", "k",
        "Sec-WebSocket-Protocol", "chat", "SEC-WEBSOCKET-EXTENSIONS", "permessage-deflate",
        "X-Kept", "yes"), b);

    assertEquals(List.of("X-Kept: yes"), b.headers);
  }

  @Test
  void leavesOutValuesTheJdkRefuses() {
    RecordingBuilder b = new RecordingBuilder();

    UpgradeHeaders.copy(Headers.of("X-Ctl", "a\u0001b", "X-Del", "a\u007fb", "X-Wide", "\u20ac",
        "X-Tab", "a\tb"), b);

    assertEquals(List.of("X-Tab: a\tb"), b.headers);
  }

  @Test
  void knowsWhichValuesAreValid() {
    assertTrue(UpgradeHeaders.isValidValue(""));
    assertTrue(UpgradeHeaders.isValidValue("Bearer abc.def"));
    assertFalse(UpgradeHeaders.isValidValue("a\u0000"));
  }
}
