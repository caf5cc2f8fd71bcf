package io.wsproxy.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.wsproxy.CloseCodes;
import io.wsproxy.TrustedProxies;
import java.util.Locale;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Secure defaults and strict input: an unmasked client frame is a protocol error; well-known
 * identity headers a client forged never reach the upstream, even when the proxy is configured with
 * no identity header at all; and one address (every client behind a NAT or a load balancer) may
 * open 1,000 connections with the default limits. Not meant to be extended directly.
 */
public abstract class HardeningConformanceCases extends ConnectFirstConformanceCases {

  /**
   * Identity headers that some upstream trusts (Tailscale serve, oauth2-proxy, Authelia, Grafana,
   * Apache's REMOTE_USER convention). A client must never be able to set them through the proxy.
   */
  static final List<String> IDENTITY_HEADERS = List.of("Tailscale-User-Login",
      "Tailscale-User-Name", "Tailscale-User-Profile-Pic", "X-Forwarded-User",
      "X-Forwarded-Email", "X-Forwarded-Preferred-Username", "X-Forwarded-Groups",
      "X-Auth-Request-User", "X-Auth-Request-Email", "X-Remote-User", "Remote-User",
      "X-WEBAUTH-USER");
  /** A forged value no header of the proxy's own may contain. */
  static final String FORGED = "admin@forged.example";
  /** Connections of the one-address case, and how many open at once. */
  static final int ONE_ADDRESS_CONNECTIONS = 1_000;
  static final int CONNECTING_AT_ONCE = 50;
  /** Descriptors the one-address case needs: client, proxy server, proxy upstream, upstream. */
  static final long DESCRIPTORS_NEEDED = 4L * ONE_ADDRESS_CONNECTIONS + 500;

  @Test
  void closesAnUnmaskedClientFrameWith1002AndRelaysNothingOfIt() throws Exception {
    startEchoProxy();
    RawClient client = connectRaw("/");
    UpstreamPeer.Conn up = upstream().awaitConnection(AWAIT);
    client.sendUnmaskedText("not masked");
    assertEquals(CloseCodes.PROTOCOL_ERROR, client.readCloseCode());
    up.awaitClose(PROMPTLY);
    assertTrue(up.receivedNothing(), "nothing of the unmasked frame reached the upstream");
    awaitNoProxyConnections();
  }

  @Test
  void dropsForgedIdentityHeadersFromAnUntrustedClientWithNoIdentityHeaderConfigured()
      throws Exception {
    startEchoProxy();
    connect("/", c -> {
      IDENTITY_HEADERS.forEach(name -> c.header(name, FORGED));
      c.header("Forwarded", "for=203.0.113.9;by=evil");
      c.header("X-Custom", "kept");
    });
    UpstreamPeer.Conn up = upstream().awaitConnection(AWAIT);
    for (String name : IDENTITY_HEADERS) {
      assertNull(up.header(name), () -> name + " reached the upstream: " + up.headers());
    }
    assertTrue(up.headers().values().stream().noneMatch(v -> v.contains(FORGED)
        || v.contains("203.0.113.9")), () -> "a forged value reached the upstream: " + up.headers());
    assertEquals("kept", up.header("X-Custom"), "other headers pass");
  }

  @Test
  void opens1000ConnectionsFromOneAddressWithTheDefaultLimitsAndRelaysOnEach() throws Exception {
    long descriptors = maxFileDescriptors();
    assumeTrue(descriptors < 0 || descriptors >= DESCRIPTORS_NEEDED,
        "needs " + DESCRIPTORS_NEEDED + " file descriptors (ulimit -n), has " + descriptors);
    startEchoProxy(); // the kit's limits are the defaults but for timeouts
    List<TestClient> clients = new ArrayList<>();
    // in waves: what is tested is how many stay open from one address, not a handshake flood
    while (clients.size() < ONE_ADDRESS_CONNECTIONS) {
      List<CompletableFuture<TestClient>> wave = new ArrayList<>();
      for (int i = 0; i < CONNECTING_AT_ONCE; i++) {
        wave.add(TestClient.connectAsync(proxyUri("/many")));
      }
      for (CompletableFuture<TestClient> f : wave) {
        clients.add(register(f.get(AWAIT.toMillis(), TimeUnit.MILLISECONDS)));
      }
    }
    assertEquals(ONE_ADDRESS_CONNECTIONS, proxy().connectionCount(), "all open at once");
    for (int i = 0; i < clients.size(); i++) {
      clients.get(i).sendText("c" + i);
    }
    for (int i = 0; i < clients.size(); i++) {
      assertEquals("c" + i, clients.get(i).next(AWAIT), "connection " + i);
    }
  }

  @Test
  void capsConnectionsPerResolvedClientAddressAfterTrustedProxies() throws Exception {
    String target = upstreamUri();
    startProxy(b -> b.route("/", target).trustedProxies(TrustedProxies.of("127.0.0.1/32"))
        .limits(KIT_LIMITS.toBuilder().maxConnectionsPerAddress(2).build()));
    // one peer (127.0.0.1, a trusted load balancer) speaking for three clients
    for (String client : List.of("198.51.100.1", "198.51.100.2", "198.51.100.3")) {
      connect("/", c -> c.header("X-Forwarded-For", client));
    }
    connect("/", c -> c.header("X-Forwarded-For", "198.51.100.1")); // the cap is 2 per client
    assertUpgradeRefused(429, "/", "X-Forwarded-For: 198.51.100.1");
    assertEquals(4, proxy().connectionCount());
  }

  @Test
  void namesNoServerLibraryInItsAnswers() throws Exception {
    String target = upstreamUri();
    startProxy(b -> b.route("/echo", target));
    String upgrade = connectRaw("/echo").upgradeHead();
    String refusal = assertUpgradeRefused(404, "/nowhere");
    for (String head : List.of(upgrade, refusal)) {
      String lower = head.toLowerCase(Locale.ROOT);
      assertTrue(!lower.contains("tootallnate") && !lower.contains("java-websocket")
          && !lower.contains("netty"), () -> "the answer names the library: " + head);
    }
  }

  private String upstreamUri() throws Exception {
    return upstream().uri("").toString();
  }

  /**
   * This process's descriptor limit (the soft {@code ulimit -n}), from {@code /proc/self/limits}; -1
   * where the platform does not say. (Read from /proc rather than through java.management, which
   * the core module does not read.)
   */
  private static long maxFileDescriptors() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
        if (line.startsWith("Max open files")) {
          String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
          return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: assume enough
    }
    return -1;
  }
}
