package io.wsproxy.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * 100 clients in 10 sessions broadcast at once from 8 threads (each client's messages from one
 * thread at a time, as a transport delivers them): every message reaches every other member of its
 * session exactly once, and nobody else.
 */
class ConcurrentBroadcastTest {

  private static final int CLIENTS = 100;
  private static final int SESSIONS = 10;
  private static final int MESSAGES_PER_CLIENT = 20;
  private static final int THREADS = 8;

  @Test
  void deliversEveryBroadcastExactlyOnceToEveryOtherMember() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try (Gateway gateway = Gateway.builder().protocol(GatewayProtocol.JSON_RPC).build()) {
      List<TestClient> clients = new ArrayList<>();
      for (int i = 0; i < CLIENTS; i++) {
        TestClient c = TestClient.connect(gateway);
        c.rpc("rooms.join", "{\"sessionId\":\"s" + (i % SESSIONS) + "\"}");
        clients.add(c);
      }
      for (TestClient c : clients) {
        c.drain(); // join replies and presence events
      }
      assertEquals(SESSIONS, gateway.sessions().size());

      CountDownLatch start = new CountDownLatch(1);
      List<CompletableFuture<Void>> senders = new ArrayList<>();
      for (int i = 0; i < CLIENTS; i++) {
        int sender = i;
        TestClient c = clients.get(i);
        senders.add(CompletableFuture.runAsync(() -> {
          try {
            start.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
          for (int seq = 0; seq < MESSAGES_PER_CLIENT; seq++) {
            c.send("{\"id\":\"" + sender + "-" + seq + "\",\"method\":\"rooms.broadcast\","
                + "\"params\":{\"sessionId\":\"s" + (sender % SESSIONS) + "\","
                + "\"data\":{\"sender\":" + sender + ",\"seq\":" + seq + "}}}");
          }
        }, pool));
      }
      start.countDown();
      CompletableFuture.allOf(senders.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

      int perSessionOthers = CLIENTS / SESSIONS - 1;
      long totalEvents = 0;
      for (int receiver = 0; receiver < CLIENTS; receiver++) {
        Map<String, Integer> seen = new HashMap<>();
        int replies = 0;
        for (JsonObject m : clients.get(receiver).drain()) {
          if (m.has("result")) {
            assertEquals(perSessionOthers, m.getAsJsonObject("result").get("delivered").getAsInt());
            replies++;
            continue;
          }
          assertEquals(Gateway.SESSION_MESSAGE_EVENT, m.get("event").getAsString(), m.toString());
          JsonObject data = m.getAsJsonObject("data").getAsJsonObject("data");
          int sender = data.get("sender").getAsInt();
          assertNotEquals(receiver, sender, "a sender never receives its own broadcast");
          assertEquals(receiver % SESSIONS, sender % SESSIONS, "only members of the session receive it");
          seen.merge(sender + "-" + data.get("seq").getAsInt(), 1, Integer::sum);
        }
        assertEquals(MESSAGES_PER_CLIENT, replies, "every broadcast is answered");
        assertEquals(perSessionOthers * MESSAGES_PER_CLIENT, seen.size(),
            "client " + receiver + " got every message of every other member");
        for (Map.Entry<String, Integer> e : seen.entrySet()) {
          assertEquals(1, e.getValue(), "message " + e.getKey() + " delivered exactly once");
        }
        totalEvents += seen.size();
      }
      assertEquals((long) CLIENTS * perSessionOthers * MESSAGES_PER_CLIENT, totalEvents);
    } finally {
      pool.shutdownNow();
      assertEquals(true, pool.awaitTermination(10, TimeUnit.SECONDS));
    }
  }
}
