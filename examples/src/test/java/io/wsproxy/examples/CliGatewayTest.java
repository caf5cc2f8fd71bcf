package io.wsproxy.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import io.wsproxy.CloseCodes;
import io.wsproxy.examples.cli.Args;
import io.wsproxy.examples.cli.UsageException;
import io.wsproxy.gateway.ErrorCodes;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The {@code gateway} command over real sockets: the agent profile, limits, path; and the CLI's environment and version. */
class CliGatewayTest {

  /** Closes the gateways and clients each test started, last first. */
  private final Deque<AutoCloseable> open = new ArrayDeque<>();

  @AfterEach
  void closeAll() throws Exception {
    while (!open.isEmpty()) {
      open.pop().close();
    }
  }

  private Cli.Started gateway(String... argv) throws Exception {
    Cli.Started g = Cli.start(new GatewayCommand(), argv);
    open.push(g);
    return g;
  }

  private WsClient client(Cli.Started gateway, String path) throws Exception {
    WsClient c = WsClient.connect(URI.create("ws://127.0.0.1:" + gateway.port() + path));
    open.push(c);
    return c;
  }

  /** The next message that is not an {@code agent.event}, collecting the events' types. */
  private static JsonObject replySkippingEvents(WsClient c, List<String> types)
      throws InterruptedException {
    while (true) {
      JsonObject m = c.nextJson();
      if (!m.has("event")) {
        return m;
      }
      types.add(m.getAsJsonObject("data").get("type").getAsString());
    }
  }

  @Test
  void agentProfileServesAllEightMethodsWithStreamingAndCancel() throws Exception {
    Cli.Started gateway = gateway("--listen", "127.0.0.1:0",
        "--profile", "agent");
    assertTrue(gateway.out().contains("(protocol jsonrpc, agent profile, no auth)"), gateway.out());
    WsClient c = client(gateway, "/");

    JsonObject created = c.call("{\"id\":1,\"method\":\"sessions.create\",\"params\":{\"title\":\"t\"}}");
    String conversation = created.getAsJsonObject("result").get("conversationId").getAsString();

    c.send("{\"id\":2,\"method\":\"agent.send\",\"params\":{\"text\":\"hello there\"}}");
    List<String> types = new ArrayList<>();
    JsonObject sent = replySkippingEvents(c, types);
    assertEquals(2, sent.get("id").getAsInt(), sent.toString());
    assertEquals("You said: hello there", sent.getAsJsonObject("result").get("text").getAsString());
    assertEquals("start", types.get(0));
    assertTrue(types.contains("token"), types.toString());
    assertEquals("done", types.get(types.size() - 1));

    c.send("{\"id\":3,\"method\":\"agent.send\",\"params\":{\"text\":\"a long long long answer\"}}");
    JsonObject start = c.nextJson();
    String runId = start.getAsJsonObject("data").get("runId").getAsString();
    c.send("{\"id\":4,\"method\":\"agent.cancel\",\"params\":{\"runId\":\"" + runId + "\"}}");
    boolean sendAnswered = false;
    boolean cancelAnswered = false;
    while (!sendAnswered || !cancelAnswered) {
      JsonObject m = c.nextJson();
      if (m.has("id") && m.get("id").getAsInt() == 3) {
        assertEquals("cancelled", m.getAsJsonObject("result").get("stopReason").getAsString());
        sendAnswered = true;
      } else if (m.has("id") && m.get("id").getAsInt() == 4) {
        assertEquals(1, m.getAsJsonObject("result").get("cancelled").getAsInt());
        cancelAnswered = true;
      }
    }

    JsonObject history = c.call("{\"id\":5,\"method\":\"sessions.history\"}");
    // failed once in a loaded run with a message that had no result: show it if it happens again
    assertTrue(history.has("result"), () -> "sessions.history answered " + history);
    assertEquals(conversation, history.getAsJsonObject("result").get("conversationId").getAsString());
    assertEquals(3, history.getAsJsonObject("result").getAsJsonArray("messages").size(),
        "two user messages and one reply: the cancelled turn has none");
    assertEquals(1, c.call("{\"id\":6,\"method\":\"sessions.list\"}").getAsJsonObject("result")
        .getAsJsonArray("sessions").size());
    assertEquals(3, c.call("{\"id\":7,\"method\":\"tools.list\"}").getAsJsonObject("result")
        .getAsJsonArray("tools").size());
    assertEquals(5.0, c.call("{\"id\":8,\"method\":\"tools.invoke\",\"params\":{\"name\":\"add\","
        + "\"input\":{\"a\":2,\"b\":3}}}").getAsJsonObject("result").get("output").getAsDouble());
    JsonObject health = c.call("{\"id\":9,\"method\":\"system.health\"}").getAsJsonObject("result");
    assertEquals(3, health.get("tools").getAsInt());
    assertEquals(1, health.get("connections").getAsInt());
  }

  @Test
  void oversizedMessageIsAnsweredMinus32003ThenClosed1009OverASocket() throws Exception {
    Cli.Started gateway = gateway("--listen", "127.0.0.1:0",
        "--protocol", "jsonrpc", "--max-message-size", "1000");
    WsClient c = client(gateway, "/");
    c.send("{\"id\":1,\"method\":\"ping\",\"params\":{\"pad\":\"" + "x".repeat(2000) + "\"}}");
    JsonObject refused = c.nextJson();
    assertEquals(ErrorCodes.MESSAGE_TOO_LARGE, refused.getAsJsonObject("error").get("code").getAsInt());
    assertEquals(CloseCodes.MESSAGE_TOO_BIG, c.awaitClose().code());
  }

  @Test
  void pathFlagServesOnlyThatPath() throws Exception {
    Cli.Started gateway = gateway("--listen", "127.0.0.1:0",
        "--protocol", "jsonrpc", "--path", "/gw");
    assertEquals(404, WsClient.refusedStatus(
        URI.create("ws://127.0.0.1:" + gateway.port() + "/other"), Map.of()));
    assertTrue(client(gateway, "/gw").call("{\"id\":1,\"method\":\"ping\"}").has("result"));
  }

  @Test
  void everyFlagReadsFromItsEnvironmentVariableAndTheCommandLineWins() throws Exception {
    Map<String, String> env = Map.of("WS_PROXY_LISTEN", "127.0.0.1:0",
        "WS_PROXY_ALLOW_ORIGIN", "https://a.example, https://b.example",
        "WS_PROXY_PROTOCOL", "jsonrpc", "WS_PROXY_VERBOSE", "yes", "WS_PROXY_TOKEN", "a,b");
    Args args = Args.parse(new String[] {"--protocol", "envelope"},
        Set.of("listen", "allow-origin", "protocol", "token"), Set.of("verbose"), env);
    assertEquals("127.0.0.1:0", args.one("listen", null));
    assertEquals(List.of("https://a.example", "https://b.example"), args.all("allow-origin"));
    assertEquals("envelope", args.one("protocol", null), "the command line wins");
    assertTrue(args.has("verbose"));
    assertEquals("a,b", args.one("token", null), "a single value keeps its commas");
    assertEquals("WS_PROXY_MAX_MESSAGE_SIZE", Args.envName("max-message-size"));
    org.junit.jupiter.api.Assertions.assertThrows(UsageException.class, () -> Args.parse(
        new String[0], Set.of(), Set.of("verbose"), Map.of("WS_PROXY_VERBOSE", "maybe")));
  }

  @Test
  void versionAndHelpNameTheEnvironment() {
    Cli.Result version = Cli.run("--version");
    assertEquals(0, version.exitCode());
    assertTrue(version.out().startsWith("ws-proxy "), version.out());
    Cli.Result help = Cli.run("gateway", "--help");
    assertTrue(help.out().contains("WS_PROXY_MAX_MESSAGE_SIZE"), help.out());
    for (String flag : new String[] {"--profile", "--path", "--password-file", "--ping-interval",
        "--client-timeout", "--auth-timeout", "--identity-header", "--bearer-token",
        "--max-connections-per-address", "--trusted-proxy", "--max-message-size"}) {
      assertTrue(help.out().contains(flag + " "), flag + " missing in the gateway's help");
    }
    assertFalse(help.out().contains("sessions.join"), "rooms are rooms.* in JSON-RPC");
  }
}
