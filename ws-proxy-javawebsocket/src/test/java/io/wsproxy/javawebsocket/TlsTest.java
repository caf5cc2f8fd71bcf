package io.wsproxy.javawebsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.conformance.SelfSignedTls;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code wss://}: a {@link JavaWebSocketEndpointServer} with an {@link SSLContext}, a self-signed key from keytool. */
class TlsTest {

  private static final long WAIT = JdkClient.TIMEOUT.toSeconds();

  @TempDir
  Path dir;
  private TestEndpoint endpoint;
  private JavaWebSocketEndpointServer server;
  private HttpClient client;

  @BeforeEach
  void start() throws Exception {
    SelfSignedTls tls = SelfSignedTls.create(dir.resolve("server.p12"));
    SSLContext serverTls = tls.serverContext();
    client = HttpClient.newBuilder().sslContext(tls.clientContext()).build();
    endpoint = new TestEndpoint();
    server = JavaWebSocketEndpointServer.builder(new InetSocketAddress("127.0.0.1", 0), endpoint)
        .sslContext(serverTls).start();
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  private CompletableFuture<JdkClient> attempt(String path) {
    JdkClient listener = new JdkClient();
    return client.newWebSocketBuilder().connectTimeout(JdkClient.TIMEOUT)
        .buildAsync(URI.create("wss://127.0.0.1:" + server.port() + path), listener)
        .thenApply(ws -> {
          listener.ws = ws;
          return listener;
        });
  }

  @Test
  void servesWssAndMarksTheHandshakeSecure() throws Exception {
    JdkClient c = attempt("/echo").get(WAIT, TimeUnit.SECONDS);
    c.ws.sendText("secret", true);
    assertEquals("secret", c.nextText());
    assertTrue(endpoint.handshakes.poll(WAIT, TimeUnit.SECONDS).secure());
  }

  @Test
  void deliversTheLastMessageAndCloseOfAClientThatHalfClosesRightAfterItsCloseFrame()
      throws Exception {
    EndOfStreamTest.assertJdkClientsKeepLastMessageAndGetTheirCloseAnswered(
        () -> attempt("/silent").get(WAIT, TimeUnit.SECONDS), endpoint);
  }

  @Test
  void refusesOverTlsWithTheRejectionsHttpStatus() throws Exception {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> attempt("/deny/401").get(WAIT, TimeUnit.SECONDS));
    assertEquals(401, assertInstanceOf(WebSocketHandshakeException.class, e.getCause())
        .getResponse().statusCode());
  }
}
