package io.wsproxy.javawebsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.wsproxy.AuthValidator;
import io.wsproxy.CloseCodes;
import io.wsproxy.Principal;
import io.wsproxy.gateway.ClientInfo;
import io.wsproxy.gateway.CredentialsValidator;
import io.wsproxy.gateway.ErrorCodes;
import io.wsproxy.gateway.Gateway;
import io.wsproxy.gateway.GatewayListener;
import io.wsproxy.gateway.GatewayProtocol;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.java_websocket.WebSocket;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.ServerHandshake;
import org.junit.jupiter.api.Test;

/** The gateway served by the ready Java-WebSocket server, with real clients on real sockets. */
class GatewayEndToEndTest {

  private static final long WAIT = JdkClient.TIMEOUT.toSeconds();

  private static JavaWebSocketEndpointServer serve(Gateway gateway) throws Exception {
    return JavaWebSocketEndpointServer.start(new InetSocketAddress("127.0.0.1", 0), gateway);
  }

  private static URI uri(JavaWebSocketEndpointServer server) {
    return URI.create("ws://127.0.0.1:" + server.port() + "/gateway");
  }

  private static JsonObject call(JdkClient client, String json) throws Exception {
    client.ws.sendText(json, true).get(WAIT, TimeUnit.SECONDS);
    return next(client);
  }

  private static JsonObject next(JdkClient client) throws Exception {
    String text = client.nextText();
    assertNotNull(text, "no message within " + WAIT + " s");
    return JsonParser.parseString(text).getAsJsonObject();
  }

  @Test
  void servesJsonRpcRequestsResultsAndErrorsOverASocket() throws Exception {
    try (Gateway gateway = Gateway.builder().protocol(GatewayProtocol.JSON_RPC).build();
        JavaWebSocketEndpointServer server = serve(gateway)) {
      gateway.handle("echo", call -> call.params());
      JdkClient client = JdkClient.connect(uri(server));
      JsonObject echo = call(client,
          "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\",\"params\":{\"x\":[1,2]}}");
      assertEquals(1, echo.get("id").getAsInt());
      assertEquals("{\"x\":[1,2]}", echo.get("result").toString());
      JsonObject unknown = call(client, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"nope\"}");
      assertEquals(ErrorCodes.METHOD_NOT_FOUND,
          unknown.getAsJsonObject("error").get("code").getAsInt());
      JsonObject deep = call(client, "[".repeat(100_000));
      assertEquals(ErrorCodes.PARSE_ERROR, deep.getAsJsonObject("error").get("code").getAsInt());
      JsonObject health = call(client, "{\"id\":3,\"method\":\"system.health\"}");
      assertEquals(1, health.getAsJsonObject("result").get("clients").getAsInt());
    }
  }

  @Test
  void servesEnvelopesAndBroadcastsToOtherMembersOnly() throws Exception {
    try (Gateway gateway = Gateway.builder().build(); JavaWebSocketEndpointServer server = serve(gateway)) {
      JdkClient a = JdkClient.connect(uri(server));
      JdkClient b = JdkClient.connect(uri(server));
      assertEquals(Gateway.SESSION_INFO_EVENT, next(a).get("type").getAsString());
      assertEquals(Gateway.SESSION_INFO_EVENT, next(b).get("type").getAsString());
      JsonObject hello = call(a, "{\"type\":\"connect\",\"id\":\"c1\",\"payload\":{}}");
      assertEquals("hello_ok", hello.get("type").getAsString());
      assertEquals("session_join_ok",
          call(a, "{\"type\":\"session_join\",\"id\":\"j1\",\"sessionId\":\"room\"}")
              .get("type").getAsString());
      assertEquals("session_join_ok",
          call(b, "{\"type\":\"session_join\",\"id\":\"j2\",\"sessionId\":\"room\"}")
              .get("type").getAsString());
      assertEquals("presence", next(a).get("type").getAsString(), "a sees b join");

      JsonObject sent = call(b, "{\"type\":\"session_broadcast\",\"id\":\"m1\",\"sessionId\":\"room\","
          + "\"payload\":{\"data\":{\"text\":\"hello\"}}}");
      assertEquals(1, sent.getAsJsonObject("payload").get("delivered").getAsInt());
      JsonObject got = next(a);
      assertEquals(Gateway.SESSION_MESSAGE_EVENT, got.get("type").getAsString());
      assertEquals("hello", got.getAsJsonObject("payload").getAsJsonObject("data")
          .get("text").getAsString());
      assertEquals("pong", call(b, "{\"type\":\"ping\",\"id\":\"p\"}").get("type").getAsString(),
          "b's next message is its pong: it got no copy of its own broadcast");
    }
  }

  @Test
  void refusesHandshakeWith401AndAuthenticatesByMessage() throws Exception {
    String token = "tok-0123456789abcdef";
    try (Gateway gateway = Gateway.builder().protocol(GatewayProtocol.JSON_RPC)
        .authValidator(AuthValidator.anyOf(AuthValidator.bearerTokens(token), AuthValidator.none()))
        .messageAuth(CredentialsValidator.token(token, Principal.of("ui"))).build();
        JavaWebSocketEndpointServer server = serve(gateway)) {
      JdkClient client = JdkClient.connect(uri(server));
      JsonObject refused = call(client, "{\"id\":1,\"method\":\"rooms.list\"}");
      assertEquals(ErrorCodes.NOT_AUTHENTICATED,
          refused.getAsJsonObject("error").get("code").getAsInt());
      JsonObject ok = call(client, "{\"id\":2,\"method\":\"auth\",\"params\":{\"token\":\"" + token + "\"}}");
      assertEquals("ui", ok.getAsJsonObject("result").get("principal").getAsString());
      assertTrue(call(client, "{\"id\":3,\"method\":\"rooms.list\"}").has("result"));
    }
    try (Gateway strict = Gateway.builder().authValidator(AuthValidator.bearerTokens(token)).build();
        JavaWebSocketEndpointServer server = serve(strict)) {
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> JdkClient.attempt(uri(server)).get(WAIT, TimeUnit.SECONDS));
      WebSocketHandshakeException refused = assertInstanceOf(WebSocketHandshakeException.class,
          e.getCause());
      assertEquals(401, refused.getResponse().statusCode());
    }
  }

  @Test
  void closesAClientThatNeverAuthenticatesWith4401() throws Exception {
    try (Gateway gateway = Gateway.builder()
        .messageAuth(CredentialsValidator.token("tok-0123456789abcdef", Principal.of("ui")))
        .authTimeout(Duration.ofMillis(100)).build();
        JavaWebSocketEndpointServer server = serve(gateway)) {
      JdkClient client = JdkClient.connect(uri(server));
      assertEquals(Gateway.CLOSE_AUTH_TIMEOUT, client.awaitClose().code());
    }
  }

  @Test
  void closesAClientThatStopsAnsweringPingsAndKeepsOneThatAnswers() throws Exception {
    try (Gateway gateway = Gateway.builder().protocol(GatewayProtocol.JSON_RPC)
        .pingInterval(Duration.ofMillis(50)).clientTimeout(Duration.ofSeconds(1)).build();
        JavaWebSocketEndpointServer server = serve(gateway)) {
      JdkClient answering = JdkClient.connect(uri(server)); // the JDK client answers pings itself
      SilentClient silent = new SilentClient(uri(server));
      assertTrue(silent.connectBlocking(WAIT, TimeUnit.SECONDS));
      assertEquals(Gateway.CLOSE_HEARTBEAT_TIMEOUT,
          silent.closed.get(WAIT, TimeUnit.SECONDS).intValue());
      assertTrue(silent.pings > 0, "the silent client was pinged before being given up");
      assertFalse(answering.closed.isDone(), "a client answering pings outlives the timeout");
      assertTrue(call(answering, "{\"id\":1,\"method\":\"ping\"}").has("result"));
      assertEquals(1, gateway.clients().size());
    }
  }

  @Test
  void closesTheSenderOfAnOversizedMessageWith1009AndKeepsServingOthers() throws Exception {
    CompletableFuture<Integer> gone = new CompletableFuture<>();
    try (Gateway gateway = Gateway.builder().protocol(GatewayProtocol.JSON_RPC)
        .listener(new GatewayListener() {
          @Override
          public void clientDisconnected(ClientInfo client, int code, String reason) {
            gone.complete(code);
          }
        }).build();
        JavaWebSocketEndpointServer server = serve(gateway)) {
      JdkClient bystander = JdkClient.connect(uri(server));
      JdkClient offender = JdkClient.connect(uri(server));
      offender.ws.sendText("x".repeat(Gateway.DEFAULT_MAX_MESSAGE_SIZE + 1), true);
      // the transport's limit is above the gateway's: the gateway answers before it closes
      assertEquals(io.wsproxy.gateway.ErrorCodes.MESSAGE_TOO_LARGE,
          next(offender).getAsJsonObject("error").get("code").getAsInt());
      assertEquals(CloseCodes.MESSAGE_TOO_BIG, offender.awaitClose().code());
      gone.get(WAIT, TimeUnit.SECONDS);
      assertEquals(1, gateway.clients().size(), "the offender's state is removed");
      assertTrue(call(bystander, "{\"id\":1,\"method\":\"ping\"}").has("result"));
    }
  }

  /** A Java-WebSocket client that never answers pings. */
  private static final class SilentClient extends WebSocketClient {
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    volatile int pings;

    SilentClient(URI uri) {
      super(uri);
      setDaemon(true);
      setConnectionLostTimeout(0);
    }

    @Override
    public void onWebsocketPing(WebSocket conn, Framedata f) {
      pings++; // and no pong
    }

    @Override
    public void onOpen(ServerHandshake handshake) {}

    @Override
    public void onMessage(String message) {}

    @Override
    public void onClose(int code, String reason, boolean remote) {
      closed.complete(code);
    }

    @Override
    public void onError(Exception ex) {}
  }
}
