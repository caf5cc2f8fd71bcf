package io.wsproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProxyListenerComposeTest {

  private static final ConnectionInfo INFO = new ConnectionInfo(1, "127.0.0.1", "/p",
      URI.create("ws://127.0.0.1:1/"), Principal.ANONYMOUS, null);
  private static final ConnectionSummary SUMMARY = new ConnectionSummary(true, null, 1000, "",
      1000, "", "", Duration.ZERO, 0, 0, 0, 0);

  @Test
  void composingWithNoneAnswersTheOtherListener() {
    ProxyListener a = new ProxyListener() {};
    assertSame(a, ProxyListener.compose(a, ProxyListener.NONE));
    assertSame(a, ProxyListener.compose(ProxyListener.NONE, a));
  }

  @Test
  void everyEventReachesBothInOrderEvenWhenTheFirstThrows() {
    List<String> seen = new ArrayList<>();
    ProxyListener first = new ProxyListener() {
      @Override
      public void messageRelayed(ConnectionInfo c, Direction d, int bytes) {
        seen.add("first " + bytes);
        throw new IllegalStateException("boom");
      }

      @Override
      public void connectionClosed(ConnectionInfo c, ConnectionSummary s) {
        seen.add("first closed");
      }
    };
    ProxyListener second = new ProxyListener() {
      @Override
      public void messageRelayed(ConnectionInfo c, Direction d, int bytes) {
        seen.add("second " + bytes);
      }

      @Override
      public void connectionClosed(ConnectionInfo c, ConnectionSummary s) {
        seen.add("second closed");
      }
    };
    ProxyListener both = ProxyListener.compose(first, second);
    assertThrows(IllegalStateException.class,
        () -> both.messageRelayed(INFO, Direction.CLIENT_TO_UPSTREAM, 3));
    both.connectionClosed(INFO, SUMMARY);
    assertEquals(List.of("first 3", "second 3", "first closed", "second closed"), seen);
  }
}
