package io.wsproxy.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HeartbeatTest {

  /** Long enough that the real timer never ticks during a test: the test ticks by hand. */
  private static final Duration PING = Duration.ofHours(1);
  private static final Duration TIMEOUT = Duration.ofHours(3);

  private final AtomicLong nanos = new AtomicLong(1_000);

  private void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  @Test
  void pingsQuietClientsOnlyAndClosesSilentOnesWith4408() throws Exception {
    CompletableFuture<Integer> disconnectCode = new CompletableFuture<>();
    try (Gateway g = Gateway.builder().ticker(nanos::get).pingInterval(PING).clientTimeout(TIMEOUT)
        .listener(new GatewayListener() {
          @Override
          public void clientDisconnected(ClientInfo client, int code, String reason) {
            disconnectCode.complete(code);
          }
        }).build()) {
      TestClient silent = TestClient.connect(g);
      TestClient chatty = TestClient.connect(g);
      silent.envelope("session_join", "room", null);

      advance(Duration.ofMinutes(40));
      chatty.envelope("ping", null, null);
      g.heartbeatTick();
      assertEquals(1, silent.channel.pings.get());
      assertEquals(0, chatty.channel.pings.get(), "a client heard from recently is not pinged");

      advance(Duration.ofMinutes(130)); // silent: 170 min; chatty: 130 min
      chatty.listener.onPong(chatty.channel, ByteBuffer.allocate(0));
      g.heartbeatTick();
      assertFalse(silent.channel.closed.isDone(), "not yet past the 3 h timeout");

      advance(Duration.ofMinutes(11)); // silent: 181 min
      g.heartbeatTick();
      FakeChannel.Close close = silent.channel.awaitClose();
      assertEquals(Gateway.CLOSE_HEARTBEAT_TIMEOUT, close.code());
      assertEquals(4408, disconnectCode.get(5, TimeUnit.SECONDS));
      assertEquals(1, g.clients().size(), "the silent client's state is removed");
      assertTrue(g.session("room").isEmpty(), "and so is its session");
      assertFalse(chatty.channel.closed.isDone(), "a client answering pongs stays");
    }
  }

  @Test
  void closesSilentClientOnTheRealTimer() throws Exception {
    try (Gateway g = Gateway.builder().pingInterval(Duration.ofMillis(20))
        .clientTimeout(Duration.ofMillis(100)).build()) {
      TestClient silent = TestClient.connect(g);
      FakeChannel.Close close = silent.channel.awaitClose();
      assertEquals(Gateway.CLOSE_HEARTBEAT_TIMEOUT, close.code());
      assertTrue(silent.channel.pings.get() >= 1, "it was pinged before being given up");
      assertTrue(g.clients().isEmpty());
    }
  }
}
