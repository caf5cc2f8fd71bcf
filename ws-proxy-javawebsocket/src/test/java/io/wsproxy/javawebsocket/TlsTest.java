package io.wsproxy.javawebsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code wss://}: a {@link JavaWebSocketEndpointServer} with an {@link SSLContext}, a self-signed key from keytool. */
class TlsTest {

  private static final long WAIT = JdkClient.TIMEOUT.toSeconds();
  private static final char[] PASSWORD = "changeit".toCharArray();

  @TempDir
  Path dir;
  private TestEndpoint endpoint;
  private JavaWebSocketEndpointServer server;
  private HttpClient client;

  @BeforeEach
  void start() throws Exception {
    KeyStore keys = selfSigned(dir.resolve("server.p12"));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, PASSWORD);
    SSLContext serverTls = SSLContext.getInstance("TLS");
    serverTls.init(kmf.getKeyManagers(), null, null);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(keys);
    SSLContext clientTls = SSLContext.getInstance("TLS");
    clientTls.init(null, tmf.getTrustManagers(), null);
    client = HttpClient.newBuilder().sslContext(clientTls).build();
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

  /** A PKCS#12 store with a fresh self-signed EC key for 127.0.0.1, made by the JDK's keytool. */
  private static KeyStore selfSigned(Path file) throws Exception {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool")
        .toString(), "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname",
        "secp256r1", "-dname", "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1", "-validity", "2",
        "-storetype", "PKCS12", "-keystore", file.toString(), "-storepass", "changeit",
        "-keypass", "changeit").redirectErrorStream(true).start();
    byte[] output;
    try (InputStream out = p.getInputStream()) {
      output = out.readAllBytes();
    }
    assertTrue(p.waitFor(WAIT, TimeUnit.SECONDS) && p.exitValue() == 0, new String(output));
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      ks.load(in, PASSWORD);
    }
    return ks;
  }
}
