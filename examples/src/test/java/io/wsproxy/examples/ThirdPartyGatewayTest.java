package io.wsproxy.examples;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CLI gateway's agent profile used by a third-party client: the {@code ws} npm package (see
 * {@link NodePeers}; skipped without Node.js and npm), over the Java-WebSocket server.
 */
class ThirdPartyGatewayTest {

  private static final List<String> CHECKS = List.of("tools.list", "sessions.create",
      "agent.send", "agent.cancel", "sessions.history", "sessions.list", "tools.invoke",
      "system.health", "cancel", "tooLarge");

  @BeforeAll
  static void installWs() throws Exception {
    NodePeers.install();
  }

  @Test
  void theWsPackagesClientUsesEveryAgentProfileMethodAndGetsMinus32003Then1009() throws Exception {
    try (Cli.Started gateway = Cli.start(new GatewayCommand(), "--listen", "127.0.0.1:0",
        "--profile", "agent")) {
      List<String> results = NodePeers.runClient("ws-gateway-client.js",
          "ws://127.0.0.1:" + gateway.port() + "/");
      NodePeers.assertPassed(results, CHECKS);
    }
  }
}
