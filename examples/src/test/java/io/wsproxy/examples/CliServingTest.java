package io.wsproxy.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import io.wsproxy.CloseCodes;
import io.wsproxy.gateway.ErrorCodes;
import java.net.URI;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The serving commands started as the CLI starts them ({@code Command.start}), with real clients:
 * an echo backend and a proxy in front of it, the proxy's security flags, and the gateway.
 */
class CliServingTest {

  private static final String TOKEN = "test-token-0123456789";

  @RegisterExtension
  final Closer open = new Closer();


  private Cli.Started echo() throws Exception {
    return open.keep(Cli.start(new EchoCommand(), "--listen", "127.0.0.1:0"));
  }

  private Cli.Started proxyToEcho(String... flags) throws Exception {
    int echoPort = echo().port();
    String[] argv = new String[4 + flags.length];
    argv[0] = "--listen";
    argv[1] = "127.0.0.1:0";
    argv[2] = "--route";
    argv[3] = "/echo=ws://127.0.0.1:" + echoPort;
    System.arraycopy(flags, 0, argv, 4, flags.length);
    return open.keep(Cli.start(new ProxyCommand(), argv));
  }

  private WsClient client(Cli.Started server, String path, Map<String, String> headers)
      throws Exception {
    return open.keep(WsClient.connect(url(server, path), headers));
  }

  private static URI url(Cli.Started server, String path) {
    return URI.create("ws://127.0.0.1:" + server.port() + path);
  }

  @Test
  void proxyStartedByTheCliRelaysToAnEchoBackendStartedByTheCli() throws Exception {
    Cli.Started proxy = proxyToEcho();
    WsClient client = client(proxy, "/echo", Map.of());
    client.send("through the CLI");
    assertEquals("through the CLI", client.next());
    assertEquals(404, WsClient.refusedStatus(url(proxy, "/elsewhere"), Map.of()));
  }

  @Test
  void bearerTokenRefusesAClientWithoutItWith401AndAdmitsOneWithIt() throws Exception {
    Cli.Started proxy = proxyToEcho("--bearer-token", TOKEN);
    assertEquals(401, WsClient.refusedStatus(url(proxy, "/echo"), Map.of()));
    assertEquals(401, WsClient.refusedStatus(url(proxy, "/echo"),
        Map.of("Authorization", "Bearer wrong-token-0123456789")));
    WsClient client = client(proxy, "/echo", Map.of("Authorization", "Bearer " + TOKEN));
    client.send("authorised");
    assertEquals("authorised", client.next());
  }

  @Test
  void allowOriginRefusesAForeignOriginWith403() throws Exception {
    Cli.Started proxy = proxyToEcho("--allow-origin", "https://app.example.com");
    assertEquals(403, WsClient.refusedStatus(url(proxy, "/echo"),
        Map.of("Origin", "https://evil.example.net")));
    WsClient client = client(proxy, "/echo", Map.of("Origin", "https://app.example.com"));
    client.send("same site");
    assertEquals("same site", client.next());
  }

  @Test
  void refusesWith502WhenTheUpstreamIsDownAndWithAcceptFirstClosesWith1014Instead()
      throws Exception {
    int down;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getByName("127.0.0.1"))) {
      down = s.getLocalPort(); // closed again: nothing listens there
    }
    String route = "/=ws://127.0.0.1:" + down;
    Cli.Started connectFirst = open.keep(Cli.start(new ProxyCommand(), "--listen", "127.0.0.1:0",
        "--route", route));
    assertEquals(502, WsClient.refusedStatus(url(connectFirst, "/"), Map.of()));
    Cli.Started acceptFirst = open.keep(Cli.start(new ProxyCommand(), "--listen", "127.0.0.1:0",
        "--route", route, "--accept-first"));
    WsClient client = client(acceptFirst, "/", Map.of());
    assertEquals(CloseCodes.BAD_GATEWAY, client.awaitClose().code());
  }

  @Test
  void maxConnectionsPerAddressRefusesTheConnectionOverTheCapWith429() throws Exception {
    Cli.Started proxy = proxyToEcho("--max-connections-per-address", "2");
    WsClient first = client(proxy, "/echo", Map.of());
    WsClient second = client(proxy, "/echo", Map.of());
    assertEquals(429, WsClient.refusedStatus(url(proxy, "/echo"), Map.of()));
    first.send("still open");
    assertEquals("still open", first.next());
    second.send("me too");
    assertEquals("me too", second.next());
  }

  @Test
  void closingTheProxyClosesAConnectedClientWith1001() throws Exception {
    Cli.Started proxy = proxyToEcho();
    WsClient client = client(proxy, "/echo", Map.of());
    client.send("before");
    assertEquals("before", client.next());
    proxy.close();
    assertEquals(CloseCodes.GOING_AWAY, client.awaitClose().code());
  }

  @Test
  void jsonRpcGatewayWithATokenAuthenticatesJoinsAndBroadcastsChatToTheOthersOnly()
      throws Exception {
    Cli.Started gateway = open.keep(Cli.start(new GatewayCommand(), "--listen", "127.0.0.1:0",
        "--protocol", "jsonrpc", "--token", TOKEN));
    WsClient alice = client(gateway, "/", Map.of());
    WsClient bob = client(gateway, "/", Map.of());

    JsonObject early = alice.call(
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"rooms.join\",\"params\":{\"sessionId\":\"room\"}}");
    assertEquals(ErrorCodes.NOT_AUTHENTICATED, errorCode(early));
    JsonObject refused = alice.call(
        "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"auth\",\"params\":{\"token\":\"not-the-token-0123\"}}");
    assertEquals(ErrorCodes.NOT_AUTHENTICATED, errorCode(refused));

    String aliceId = auth(alice, 3);
    String bobId = auth(bob, 3);

    JsonObject created = alice.call(
        "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"rooms.create\",\"params\":{\"sessionId\":\"room\"}}");
    assertEquals("room", created.getAsJsonObject("result").get("sessionId").getAsString());
    JsonObject joined = bob.call(
        "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"rooms.join\",\"params\":{\"sessionId\":\"room\"}}");
    assertEquals(2, joined.getAsJsonObject("result").getAsJsonArray("members").size());
    JsonObject presence = alice.nextJson();
    assertEquals("presence", presence.get("event").getAsString());
    assertEquals(bobId, presence.getAsJsonObject("data").get("clientId").getAsString());

    JsonObject sent = bob.call("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"chat.send\","
        + "\"params\":{\"sessionId\":\"room\",\"text\":\"hello alice\"}}");
    assertEquals(5, sent.get("id").getAsInt());
    assertEquals(1, sent.getAsJsonObject("result").get("delivered").getAsInt());

    JsonObject chat = alice.nextJson();
    assertEquals(DemoChat.EVENT, chat.get("event").getAsString());
    JsonObject data = chat.getAsJsonObject("data");
    assertEquals("hello alice", data.get("text").getAsString());
    assertEquals(bobId, data.get("from").getAsString());
    assertEquals("user", data.get("principal").getAsString());
    assertNotEquals(aliceId, bobId);

    // the sender got its reply and nothing else: its next message answers its next request
    JsonObject health = bob.call("{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"system.health\"}");
    assertEquals(6, health.get("id").getAsInt());
    assertEquals("ok", health.getAsJsonObject("result").get("status").getAsString());

    JsonObject outsider = bob.call("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"chat.send\","
        + "\"params\":{\"sessionId\":\"other\",\"text\":\"x\"}}");
    assertEquals(ErrorCodes.FORBIDDEN, errorCode(outsider));
  }

  @Test
  void envelopeGatewayWithoutATokenServesChatUnderTheEnvelopeNames() throws Exception {
    Cli.Started gateway = open.keep(Cli.start(new GatewayCommand(), "--listen", "127.0.0.1:0"));
    WsClient alice = envelopeClient(gateway);
    WsClient bob = envelopeClient(gateway);
    JsonObject hello = alice.call("{\"type\":\"connect\",\"id\":\"1\",\"payload\":{}}");
    assertEquals("hello_ok", hello.get("type").getAsString());
    assertEquals(true, hello.getAsJsonObject("payload").get("authenticated").getAsBoolean());

    assertEquals("session_join_ok",
        alice.call("{\"type\":\"session_join\",\"id\":\"2\",\"sessionId\":\"room\"}")
            .get("type").getAsString());
    assertEquals("session_join_ok",
        bob.call("{\"type\":\"session_join\",\"id\":\"2\",\"sessionId\":\"room\"}")
            .get("type").getAsString());
    assertEquals("presence", alice.nextJson().get("type").getAsString());

    JsonObject sent = bob.call(
        "{\"type\":\"chat_send\",\"id\":\"3\",\"sessionId\":\"room\",\"payload\":{\"text\":\"hi\"}}");
    assertEquals("chat_send_ok", sent.get("type").getAsString());
    assertEquals(1, sent.getAsJsonObject("payload").get("delivered").getAsInt());
    JsonObject chat = alice.nextJson();
    assertEquals(DemoChat.EVENT, chat.get("type").getAsString());
    assertEquals("room", chat.get("sessionId").getAsString());
    assertEquals("hi", chat.getAsJsonObject("payload").get("text").getAsString());

    // without a sessionId the sender's only session is used
    JsonObject implicit = bob.call("{\"type\":\"chat.send\",\"id\":\"4\",\"payload\":{\"text\":\"again\"}}");
    assertEquals("room", implicit.getAsJsonObject("payload").get("sessionId").getAsString());
    assertEquals("again", alice.nextJson().getAsJsonObject("payload").get("text").getAsString());

    JsonObject empty = bob.call(
        "{\"type\":\"chat_send\",\"id\":\"5\",\"sessionId\":\"room\",\"payload\":{\"text\":\"\"}}");
    assertEquals("error", empty.get("type").getAsString());
    assertEquals(ErrorCodes.INVALID_PARAMS,
        empty.getAsJsonObject("payload").get("code").getAsInt());
  }

  @ParameterizedTest
  @ValueSource(strings = {"envelope", "jsonrpc"})
  void theMessagesTheGatewaySuggestsAreAnsweredWithoutErrors(String protocol) throws Exception {
    Cli.Started gateway = open.keep(Cli.start(new GatewayCommand(), "--listen", "127.0.0.1:0",
        "--protocol", protocol, "--token", TOKEN));
    Matcher hint = Pattern.compile("\n  send: (.*)\n").matcher(gateway.out());
    assertTrue(hint.find(), gateway.out());
    String[] messages = hint.group(1).replace("TOKEN", TOKEN).split("  then  ");
    assertEquals(3, messages.length, hint.group(1));
    WsClient client = protocol.equals("envelope") ? envelopeClient(gateway)
        : client(gateway, "/", Map.of());
    for (String message : messages) {
      JsonObject reply = client.call(message);
      boolean error = reply.has("error")
          || (reply.has("type") && reply.get("type").getAsString().equals("error"));
      assertFalse(error, message + " -> " + reply);
    }
  }

  @Test
  void gatewayRefusesAForeignOriginWith403() throws Exception {
    Cli.Started gateway = open.keep(Cli.start(new GatewayCommand(), "--listen", "127.0.0.1:0",
        "--allow-origin", "https://app.example.com"));
    assertEquals(403, WsClient.refusedStatus(url(gateway, "/"),
        Map.of("Origin", "https://evil.example.net")));
  }

  @Test
  void closingTheGatewayClosesAConnectedClientWith1001() throws Exception {
    Cli.Started gateway = open.keep(Cli.start(new GatewayCommand(), "--listen", "127.0.0.1:0"));
    WsClient client = envelopeClient(gateway);
    assertEquals("pong", client.call("{\"type\":\"ping\",\"id\":\"1\"}").get("type").getAsString());
    gateway.close();
    assertEquals(CloseCodes.GOING_AWAY, client.awaitClose().code());
  }

  /** An envelope-protocol client, past the {@code session_info} the gateway announces on open. */
  private WsClient envelopeClient(Cli.Started gateway) throws Exception {
    WsClient c = client(gateway, "/", Map.of());
    assertEquals(io.wsproxy.gateway.Gateway.SESSION_INFO_EVENT, c.nextJson().get("type").getAsString());
    return c;
  }

  private static String auth(WsClient client, int id) throws InterruptedException {
    JsonObject ok = client.call("{\"jsonrpc\":\"2.0\",\"id\":" + id
        + ",\"method\":\"auth\",\"params\":{\"token\":\"" + TOKEN + "\"}}");
    assertEquals("user", ok.getAsJsonObject("result").get("principal").getAsString(), ok.toString());
    return ok.getAsJsonObject("result").get("clientId").getAsString();
  }

  private static int errorCode(JsonObject reply) {
    return reply.getAsJsonObject("error").get("code").getAsInt();
  }
}
