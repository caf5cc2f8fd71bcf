package io.wsproxy.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CallCancellationTest {

  private final List<CompletableFuture<String>> started = new CopyOnWriteArrayList<>();
  private final List<Call<?>> calls = new CopyOnWriteArrayList<>();
  private final Gateway gateway = Gateway.builder().protocol(GatewayProtocol.JSON_RPC)
      .maxCallsInFlight(3).build();

  {
    gateway.handle("slow", call -> {
      CompletableFuture<String> f = new CompletableFuture<>();
      started.add(f);
      calls.add(call);
      return f;
    });
  }

  @AfterEach
  void close() {
    gateway.close();
  }

  @Test
  void cancelRequestAnswersTheCallWithMinus32800AndCancelsItsHandler() throws Exception {
    TestClient c = TestClient.connect(gateway);
    c.send("{\"id\":\"long\",\"method\":\"slow\"}");
    JsonObject cancel = c.rpc("cancel", "{\"id\":\"long\"}");
    assertTrue(cancel.getAsJsonObject("result").get("cancelled").getAsBoolean());
    JsonObject answer = c.awaitId("long");
    assertEquals(ErrorCodes.REQUEST_CANCELLED, TestClient.code(answer));
    assertTrue(calls.get(0).cancellation().isCancelled());
    assertTrue(started.get(0).isCancelled(), "the handler's own future is cancelled");
    started.get(0).complete("too late");
    assertTrue(c.rpc("ping", null).has("result"));
    assertTrue(c.drain().isEmpty(), "a cancelled call is answered once");
    assertFalse(c.rpc("cancel", "{\"id\":\"long\"}").getAsJsonObject("result")
        .get("cancelled").getAsBoolean(), "nothing left to cancel");
  }

  @Test
  void disconnectCancelsEveryCallInFlightAndRunsTheHandlersCancelActions() throws Exception {
    TestClient c = TestClient.connect(gateway);
    CountDownLatch actions = new CountDownLatch(2);
    c.send("{\"id\":1,\"method\":\"slow\"}");
    c.send("{\"id\":2,\"method\":\"slow\"}");
    calls.forEach(call -> call.cancellation().onCancel(actions::countDown));
    c.disconnect();
    assertTrue(actions.await(5, TimeUnit.SECONDS));
    assertTrue(started.stream().allMatch(CompletableFuture::isCancelled));
  }

  @Test
  void gatewayCloseCancelsCallsInFlight() throws Exception {
    TestClient c = TestClient.connect(gateway);
    c.send("{\"id\":1,\"method\":\"slow\"}");
    gateway.close();
    assertTrue(calls.get(0).cancellation().isCancelled());
  }

  @Test
  void callsInFlightPerClientAreBoundedAndOthersStayServed() throws Exception {
    TestClient c = TestClient.connect(gateway);
    TestClient other = TestClient.connect(gateway);
    for (int i = 0; i < 3; i++) {
      c.send("{\"id\":" + i + ",\"method\":\"slow\"}");
    }
    assertEquals(ErrorCodes.RATE_LIMITED, TestClient.code(c.rpc("slow", null)));
    assertTrue(c.rpc("ping", null).has("result"), "ping and cancel are never refused for the bound");
    other.send("{\"id\":9,\"method\":\"slow\"}");
    started.get(0).complete("done");
    assertEquals("done", c.awaitId("0").get("result").getAsString());
    c.send("{\"id\":\"again\",\"method\":\"slow\"}");
    assertEquals(5, started.size(), "a freed slot is usable again");
  }
}
