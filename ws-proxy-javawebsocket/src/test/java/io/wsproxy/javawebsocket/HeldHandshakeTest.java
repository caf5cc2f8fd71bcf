package io.wsproxy.javawebsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.HandshakeDecision;
import io.wsproxy.HandshakeRequest;
import io.wsproxy.Rejection;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Connect-first on Java-WebSocket: the adapter holds a client's upgrade while its endpoint decides
 * (a proxy: while it dials the upstream) without any thread waiting, answers with the decision, and
 * gives the handshake up when the client leaves first. Raw sockets show what is (not) on the wire.
 */
class HeldHandshakeTest {

  private static final long WAIT = JdkClient.TIMEOUT.toSeconds();
  /** Handshakes held at once in the worker test: more than Java-WebSocket has workers. */
  private static final int HELD_AT_ONCE = 2 * Runtime.getRuntime().availableProcessors() + 2;

  private JavaWebSocketEndpointServer server;
  private TestEndpoint endpoint;
  private final List<Socket> sockets = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    endpoint = new TestEndpoint();
    server = JavaWebSocketEndpointServer.start(new InetSocketAddress("127.0.0.1", 0), endpoint);
  }

  @AfterEach
  void stop() throws Exception {
    for (Socket s : sockets) {
      s.close();
    }
    server.stop();
  }

  private Socket send(String request) throws Exception {
    Socket s = new Socket("127.0.0.1", server.port());
    sockets.add(s);
    s.setSoTimeout((int) JdkClient.TIMEOUT.toMillis());
    s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
    return s;
  }

  private String upgradeRequest(String target, String... extraLines) {
    StringBuilder b = new StringBuilder("GET " + target + " HTTP/1.1\r\n"
        + "Host: 127.0.0.1:" + server.port() + "\r\n"
        + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: " + E2eRawClient.KEY + "\r\nSec-WebSocket-Version: 13\r\n");
    for (String line : extraLines) {
      b.append(line).append("\r\n");
    }
    return b.append("\r\n").toString();
  }

  private static String head(Socket s) throws Exception {
    InputStream in = s.getInputStream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (!out.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      out.write(b);
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  @Test
  void holdsTheUpgradeUntilTheEndpointDecidesThenAnswersWithItsSubprotocol() throws Exception {
    Socket s = send(upgradeRequest("/late", "Sec-WebSocket-Protocol: mqtt, v2"));
    CompletableFuture<HandshakeDecision> decision = endpoint.late.poll(WAIT, TimeUnit.SECONDS);
    HandshakeRequest request = endpoint.handshakes.poll(WAIT, TimeUnit.SECONDS);
    assertEquals(List.of("mqtt", "v2"), request.subprotocols());
    assertEquals(0, s.getInputStream().available(), "nothing is answered before the decision");
    decision.complete(TestEndpoint.accept(request));
    String head = head(s);
    assertTrue(head.startsWith("HTTP/1.1 101 "), head);
    assertTrue(head.contains("Sec-WebSocket-Protocol: v2\r\n"), head);
    assertFalse(head.toLowerCase().contains("\r\nserver:"), head);
    assertNotNull(endpoint.opened.poll(WAIT, TimeUnit.SECONDS));
  }

  @Test
  void keepsServingOthersWhileMoreHandshakesAreHeldThanThereAreWorkers() throws Exception {
    for (int i = 0; i < HELD_AT_ONCE; i++) {
      send(upgradeRequest("/late"));
      assertNotNull(endpoint.late.poll(WAIT, TimeUnit.SECONDS));
    }
    JdkClient other = JdkClient.connect(
        java.net.URI.create("ws://127.0.0.1:" + server.port() + "/echo"));
    other.ws.sendText("no worker waits", true);
    assertEquals("no worker waits", other.nextText());
  }

  @Test
  void relaysWhatTheClientSentBeforeItsUpgradeWasAnswered() throws Exception {
    byte[] frame = {(byte) 0x81, (byte) 0x82, 1, 2, 3, 4, 'h' ^ 1, 'i' ^ 2}; // masked "hi"
    Socket s = send(upgradeRequest("/late"));
    s.getOutputStream().write(frame);
    CompletableFuture<HandshakeDecision> decision = endpoint.late.poll(WAIT, TimeUnit.SECONDS);
    decision.complete(TestEndpoint.accept(endpoint.handshakes.poll(WAIT, TimeUnit.SECONDS)));
    assertTrue(head(s).startsWith("HTTP/1.1 101 "));
    RecordingListener listener = endpoint.opened.poll(WAIT, TimeUnit.SECONDS);
    assertEquals("hi", listener.texts.poll(WAIT, TimeUnit.SECONDS));
  }

  @Test
  void answersALateRefusalWithItsStatus() throws Exception {
    Socket s = send(upgradeRequest("/late"));
    endpoint.late.poll(WAIT, TimeUnit.SECONDS)
        .complete(new Rejection(502, 4502, "Upstream unreachable"));
    String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(answer.startsWith("HTTP/1.1 502 Bad Gateway\r\n"), answer);
    assertTrue(answer.endsWith("Upstream unreachable\n"), answer);
    assertFalse(answer.toLowerCase().contains("\r\nserver:"), answer);
    assertNotNull(endpoint.abandoned.poll(WAIT, TimeUnit.SECONDS));
  }

  @Test
  void abandonsTheHandshakeWhenTheClientLeavesWhileItIsDecided() throws Exception {
    Socket s = send(upgradeRequest("/late"));
    CompletableFuture<HandshakeDecision> decision = endpoint.late.poll(WAIT, TimeUnit.SECONDS);
    s.close();
    assertEquals("/late", endpoint.abandoned.poll(WAIT, TimeUnit.SECONDS).path());
    decision.complete(TestEndpoint.accept(endpoint.handshakes.poll(WAIT, TimeUnit.SECONDS)));
    assertTrue(endpoint.opened.isEmpty(), "a client that left is never opened");
  }

  @Test
  void abandonsHeldHandshakesAndClosesTheirSocketsWhenTheServerStops() throws Exception {
    Socket s = send(upgradeRequest("/late"));
    assertNotNull(endpoint.late.poll(WAIT, TimeUnit.SECONDS));
    server.stop();
    assertEquals("/late", endpoint.abandoned.poll(WAIT, TimeUnit.SECONDS).path());
    assertEquals(-1, s.getInputStream().read(), "the held socket is closed, not left open");
  }

  @Test
  void refusesAndAbandonsAClientThatSendsTooMuchBeforeItsUpgradeIsAnswered() throws Exception {
    Socket s = send(upgradeRequest("/late"));
    assertNotNull(endpoint.late.poll(WAIT, TimeUnit.SECONDS));
    CompletableFuture.runAsync(() -> {
      try {
        s.getOutputStream().write(new byte[128 * 1024]); // twice the bound
      } catch (java.io.IOException e) {
        // refused and closed meanwhile: expected
      }
    });
    String answer = head(s);
    assertTrue(answer.startsWith("HTTP/1.1 400 Bad Request\r\n"), answer);
    assertNotNull(endpoint.abandoned.poll(WAIT, TimeUnit.SECONDS));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "two Host headers | GET /echo HTTP/1.1\\r\\nHost: a\\r\\nHost: b\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\\r\\nSec-WebSocket-Version: 13 | 400",
      "no Host | GET /echo HTTP/1.1\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\\r\\nSec-WebSocket-Version: 13 | 400",
      "Connection without upgrade | GET /echo HTTP/1.1\\r\\nHost: a\\r\\nUpgrade: websocket\\r\\nConnection: keep-alive\\r\\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\\r\\nSec-WebSocket-Version: 13 | 426",
      "Upgrade h2c | GET /echo HTTP/1.1\\r\\nHost: a\\r\\nUpgrade: h2c\\r\\nConnection: Upgrade\\r\\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\\r\\nSec-WebSocket-Version: 13 | 426",
      "short key | GET /echo HTTP/1.1\\r\\nHost: a\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\nSec-WebSocket-Key: c2hvcnQ=\\r\\nSec-WebSocket-Version: 13 | 400",
      "version 12 | GET /echo HTTP/1.1\\r\\nHost: a\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\\r\\nSec-WebSocket-Version: 12 | 426",
      "POST | POST /echo HTTP/1.1\\r\\nHost: a\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\\r\\nSec-WebSocket-Version: 13 | 405",
      "HTTP/1.0 | GET /echo HTTP/1.0\\r\\nHost: a\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\\r\\nSec-WebSocket-Version: 13 | 400",
      "a body | GET /echo HTTP/1.1\\r\\nHost: a\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\\r\\nSec-WebSocket-Version: 13\\r\\nContent-Length: 5 | 400",
  })
  void refusesAMalformedUpgradeWithoutAskingTheEndpoint(String what, String request, int status)
      throws Exception {
    Socket s = send(request.replace("\\r\\n", "\r\n") + "\r\n\r\n");
    String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(answer.startsWith("HTTP/1.1 " + status + " "), answer);
    if (what.startsWith("version")) {
      assertTrue(answer.contains("\r\nSec-WebSocket-Version: 13\r\n"), answer);
    }
    if (status == 405) {
      assertTrue(answer.contains("\r\nAllow: GET\r\n"), answer);
    }
    assertTrue(endpoint.handshakes.isEmpty(), "the endpoint was asked");
  }
}
