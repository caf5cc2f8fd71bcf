package io.wsproxy.conformance;

import static io.wsproxy.conformance.GatewayCalls.assertResponsive;
import static io.wsproxy.conformance.GatewayCalls.call;
import static io.wsproxy.conformance.GatewayCalls.nextReply;
import static io.wsproxy.conformance.GatewayCalls.probe;
import static io.wsproxy.conformance.GatewayCalls.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;


import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.wsproxy.CloseCodes;
import io.wsproxy.Limits;
import io.wsproxy.gateway.ClientInfo;
import io.wsproxy.gateway.ErrorCodes;
import io.wsproxy.gateway.Gateway;
import io.wsproxy.gateway.GatewayListener;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The gateway ({@link Gateway}, JSON-RPC) served by the server under test, held to what issues 10
 * and 11 ask of it over real sockets: numeric ids come back exactly and as valid JSON; a message
 * over the gateway's limit is answered in-protocol (-32003) before the 1009 close, which needs the
 * transport to apply the gateway's larger transport limits; a client flooding requests does not
 * delay another client's request; and a member that does not read its broadcasts is dropped with
 * 1008 "Slow consumer" once its backlog passes the gateway's bound, while a member that reads gets
 * every broadcast. The 500-member storm is {@link GatewayStormCases}, run once per server
 * transport rather than by each of the kit's six combinations. Not meant to be extended directly.
 */
public abstract class GatewayHardeningConformanceCases extends FairnessConformanceCases {

  /** Requests of the flooding client. */
  static final int FLOOD_REQUESTS = 20_000;
  /**
   * Requests the flooder sends before it reads their replies: it reads, so its backlog of replies
   * stays far below the gateway's bound (a client that sent all 20,000 first and read only then
   * would be a slow consumer, and dropped as one).
   */
  static final int FLOOD_WINDOW = 1_000;
  /**
   * Broadcasts of the slow-member case, of {@link #SLOW_PADDING_CHARS} each: 8 MiB in all, past
   * what the kernel buffers for a connection that does not read (on loopback the server's send
   * buffer grows up to {@code tcp_wmem}'s 4 MiB) plus the default 1 MiB bound.
   */
  static final int SLOW_BROADCASTS = 256;
  /** Padding per broadcast: 32 KiB. */
  static final int SLOW_PADDING_CHARS = 32 * Limits.KIB;
  /**
   * Broadcasts sent before waiting for their replies and for the reader to have them: few, so the
   * reader (a JDK client) never has more than a fraction of the bound queued toward it.
   */
  static final int SLOW_WINDOW = 4;

  /** Reads {@code raw} with a strict reader to its end: it is one JSON value (RFC 8259). */
  private static void assertStrictJson(String raw) throws Exception {
    try (JsonReader r = new JsonReader(new StringReader(raw))) {
      r.setStrictness(Strictness.STRICT);
      r.skipValue();
      assertEquals(JsonToken.END_DOCUMENT, r.peek(), raw);
    }
  }

  @Test
  void gatewayReturnsNumericIdsExactlyAsValidJson() throws Exception {
    startGateway(b -> {});
    TestClient client = connect("/");
    for (String id : new String[] {"1e400", "-1e400", "1e-999999", "-0", "0.10", "1E+2",
        "123456789012345678901234567890", "9223372036854775808", "-9223372036854775809"}) {
      client.sendText("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"ping\"}");
      String raw = (String) client.next(AWAIT);
      assertStrictJson(raw);
      assertTrue(raw.contains("\"id\":" + id + ","), () -> "id " + id + " came back as " + raw);
    }
  }

  @Test
  void gatewayAnswersAnOversizedMessageWithMinus32003ThenClosesWith1009AndServesOthers()
      throws Exception {
    AtomicInteger removed = new AtomicInteger();
    Gateway gateway = startGateway(b -> b.listener(new GatewayListener() {
      @Override
      public void clientDisconnected(ClientInfo client, int code, String reason) {
        removed.incrementAndGet();
      }
    }));
    TestClient bystander = connect("/");
    TestClient offender = connect("/");
    offender.sendText("x".repeat(Gateway.DEFAULT_MAX_MESSAGE_SIZE + 1));
    // the transport's limit is above the gateway's, so the gateway itself answers before closing
    JsonObject reply = JsonParser.parseString((String) offender.next(AWAIT)).getAsJsonObject();
    assertEquals(ErrorCodes.MESSAGE_TOO_LARGE,
        reply.getAsJsonObject("error").get("code").getAsInt(), () -> "reply: " + reply);
    assertEquals(CloseCodes.MESSAGE_TOO_BIG, offender.awaitClose(PROMPTLY).code());
    assertTrue(ThreadLeaks.await(AWAIT, () -> removed.get() == 1), "the offender is removed");
    assertEquals(1, gateway.clients().size());
    assertTrue(call(bystander, 1, "ping", "{}").has("result"));
  }

  @Test
  void gatewayAnswersOtherClientsWithinASecondWhileOneClientFloodsRequests() throws Exception {
    // the rate limit raised so that the flood is served rather than cut off after a burst
    Gateway gateway = startGateway(b -> b.rateLimit(1e9, FLOOD_REQUESTS));
    TestClient prober = connect("/");
    TestClient flooder = connect("/");
    assertTrue(call(prober, 0, "system.health", "{}").has("result"));
    AtomicBoolean over = new AtomicBoolean();
    ExecutorService probeThread = Executors.newSingleThreadExecutor();
    register(probeThread::shutdownNow);
    CompletableFuture<long[]> probed = probe(prober, over, probeThread);
    for (int i = 0; i < FLOOD_REQUESTS; i += FLOOD_WINDOW) {
      for (int j = i; j < i + FLOOD_WINDOW; j++) {
        flooder.sendText(request(j, "ping", "{}"));
      }
      for (int j = i; j < i + FLOOD_WINDOW; j++) {
        JsonObject reply = nextReply(flooder);
        assertEquals(j, reply.get("id").getAsLong(), () -> "the flooder is served in order; "
            + "closed: " + flooder.closed().getNow(null));
      }
    }
    over.set(true);
    assertEquals(2, gateway.clients().size());
    assertResponsive(Awaits.get(probed, AWAIT, "health probe"), "the flood");
  }

  @Test
  void gatewayDropsAMemberThatDoesNotReadWith1008WhileAReaderGetsEveryBroadcastByDefault()
      throws Exception {
    List<String> closes = Collections.synchronizedList(new ArrayList<>());
    // the default backlog bound; the rate limit raised for the sender's 256 broadcasts
    Gateway gateway = startGateway(b -> b.rateLimit(1e9, 2 * SLOW_BROADCASTS)
        .listener(new GatewayListener() {
          @Override
          public void clientDisconnected(ClientInfo client, int code, String reason) {
            closes.add(code + " " + reason);
          }
        }));
    String join = "{\"sessionId\":\"room\"}";
    RawClient silent = register(RawClient.connect(proxyPort(), "/", AWAIT,
        GatewayCalls.NON_READER_RECEIVE_BUFFER));
    silent.sendText(request(0, "rooms.join", join));
    TestClient reader = connect("/");
    TestClient sender = connect("/");
    assertTrue(call(reader, 0, "rooms.join", join).has("result"));
    assertTrue(call(sender, 0, "rooms.join", join).has("result"));
    String padding = "p".repeat(SLOW_PADDING_CHARS);
    int lastDelivered = -1;
    for (int i = 0; i < SLOW_BROADCASTS; i += SLOW_WINDOW) {
      for (int seq = i; seq < i + SLOW_WINDOW; seq++) {
        sender.sendText(request(seq + 1, "rooms.broadcast", "{\"sessionId\":\"room\","
            + "\"data\":{\"seq\":" + seq + ",\"pad\":\"" + padding + "\"}}"));
      }
      for (int seq = i; seq < i + SLOW_WINDOW; seq++) {
        JsonObject reply = nextReply(sender);
        assertEquals(seq + 1, reply.get("id").getAsLong(), () -> "reply " + reply);
        lastDelivered = reply.getAsJsonObject("result").get("delivered").getAsInt();
      }
      // the next window only once the reader has this one
      for (int seq = i; seq < i + SLOW_WINDOW; seq++) {
        JsonObject event;
        do {
          event = JsonParser.parseString((String) reader.next(AWAIT)).getAsJsonObject();
        } while (!Gateway.SESSION_MESSAGE_EVENT.equals(event.get("event").getAsString()));
        assertEquals(seq, event.getAsJsonObject("data").getAsJsonObject("data").get("seq")
            .getAsInt(), "the reader gets every broadcast, in order");
      }
    }
    assertEquals(1, lastDelivered, "the last broadcasts reached the reader only");
    assertEquals(List.of(Gateway.CLOSE_SLOW_CONSUMER + " " + Gateway.SLOW_CONSUMER_REASON),
        closes, "only the member that does not read is dropped");
    assertEquals(Gateway.CLOSE_SLOW_CONSUMER, silent.readCloseCode(),
        "the close frame follows what the non-reader had queued");
    assertEquals(2, gateway.session("room").orElseThrow().members().size());
  }
}
