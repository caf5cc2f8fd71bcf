package io.wsproxy.gateway;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.wsproxy.HandshakeDecision;
import io.wsproxy.HandshakeRequest;
import io.wsproxy.Headers;
import io.wsproxy.spi.PendingHandshake;
import io.wsproxy.spi.Text;
import io.wsproxy.spi.WsListener;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One in-process client of a {@link Gateway}: it runs the real handshake, opens the gateway with a
 * {@link FakeChannel} and feeds the returned listener, as a transport would (one thread at a time).
 */
final class TestClient {

  private static final AtomicLong IDS = new AtomicLong();

  final Gateway gateway;
  final FakeChannel channel = new FakeChannel();
  final WsListener listener;
  private final List<JsonObject> unclaimed = new ArrayList<>(); // guarded by this

  /** The {@code session_info} the gateway announced on open (envelope protocol), else {@code null}. */
  final JsonObject sessionInfo;

  private TestClient(Gateway gateway, PendingHandshake pending) throws InterruptedException {
    this.gateway = gateway;
    this.listener = pending.open(channel);
    this.sessionInfo = gateway.protocol() == GatewayProtocol.ENVELOPE
        ? JsonParser.parseString(channel.next()).getAsJsonObject() : null;
  }

  static HandshakeRequest request(Headers headers) {
    return HandshakeRequest.builder().path("/gateway").headers(headers)
        .remoteAddress(new InetSocketAddress("127.0.0.1", 40000)).build();
  }

  static HandshakeDecision handshake(Gateway gateway, Headers headers) throws Exception {
    return decide(pending(gateway, headers));
  }

  /** Starts a handshake; the caller opens or abandons it. */
  static PendingHandshake pending(Gateway gateway, Headers headers) {
    return gateway.handshake(request(headers));
  }

  static HandshakeDecision decide(PendingHandshake pending) throws Exception {
    return pending.decision().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  static TestClient connect(Gateway gateway) throws Exception {
    return connect(gateway, Headers.EMPTY);
  }

  static TestClient connect(Gateway gateway, Headers headers) throws Exception {
    PendingHandshake pending = pending(gateway, headers);
    assertInstanceOf(HandshakeDecision.Accept.class, decide(pending));
    return new TestClient(gateway, pending);
  }

  void send(String text) {
    listener.onText(channel, Text.of(text));
  }

  /** Sends a JSON-RPC request and answers its reply, keeping events and other replies aside. */
  JsonObject rpc(String method, String paramsJson) throws InterruptedException {
    String id = "q" + IDS.incrementAndGet();
    send("{\"jsonrpc\":\"2.0\",\"id\":\"" + id + "\",\"method\":\"" + method + "\""
        + (paramsJson == null ? "" : ",\"params\":" + paramsJson) + "}");
    return awaitId(id);
  }

  /** Sends an envelope and answers the reply with its id. */
  JsonObject envelope(String type, String sessionId, String payloadJson) throws InterruptedException {
    String id = "e" + IDS.incrementAndGet();
    send("{\"type\":\"" + type + "\",\"id\":\"" + id + "\""
        + (sessionId == null ? "" : ",\"sessionId\":\"" + sessionId + "\"")
        + (payloadJson == null ? "" : ",\"payload\":" + payloadJson)
        + ",\"timestamp\":" + System.currentTimeMillis() + "}");
    return awaitId(id);
  }

  /** The next message whose id is {@code id}. */
  JsonObject awaitId(String id) throws InterruptedException {
    return await(m -> m.get("id") != null && !m.get("id").isJsonNull()
        && id.equals(m.get("id").getAsString()));
  }

  /** The next JSON-RPC event named {@code event} ({@code {event, data}}). */
  JsonObject awaitEvent(String event) throws InterruptedException {
    return await(m -> m.has("event") && event.equals(m.get("event").getAsString()));
  }

  /** The next envelope of type {@code type}. */
  JsonObject awaitType(String type) throws InterruptedException {
    return await(m -> m.has("type") && type.equals(m.get("type").getAsString()));
  }

  /** The next message at all. */
  JsonObject next() throws InterruptedException {
    return await(m -> true);
  }

  interface Match {
    boolean test(JsonObject message);
  }

  synchronized JsonObject await(Match match) throws InterruptedException {
    for (Iterator<JsonObject> it = unclaimed.iterator(); it.hasNext(); ) {
      JsonObject m = it.next();
      if (match.test(m)) {
        it.remove();
        return m;
      }
    }
    while (true) {
      JsonObject m = JsonParser.parseString(channel.next()).getAsJsonObject();
      if (match.test(m)) {
        return m;
      }
      unclaimed.add(m);
    }
  }

  /** Every message received so far and not yet claimed, then drained. */
  synchronized List<JsonObject> drain() {
    List<String> raw = new ArrayList<>();
    channel.sent.drainTo(raw);
    raw.forEach(s -> unclaimed.add(JsonParser.parseString(s).getAsJsonObject()));
    List<JsonObject> out = List.copyOf(unclaimed);
    unclaimed.clear();
    return out;
  }

  /** The peer closes the connection (the transport reports it). */
  void disconnect() {
    listener.onClose(channel, 1000, "bye", true);
  }

  /** This client's id, asked over the protocol with {@code connect}. */
  String idViaRpc() throws InterruptedException {
    return rpc("connect", null).getAsJsonObject("result").get("clientId").getAsString();
  }

  String idViaEnvelope() throws InterruptedException {
    return envelope("connect", null, null).getAsJsonObject("payload").get("clientId").getAsString();
  }

  static int code(JsonObject rpcReply) {
    return rpcReply.getAsJsonObject("error").get("code").getAsInt();
  }

  static JsonElement result(JsonObject rpcReply) {
    return rpcReply.get("result");
  }
}
