package io.wsproxy.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.wsproxy.AuthValidator;
import io.wsproxy.HandshakeRequest;
import io.wsproxy.WebSocketProxy;
import io.wsproxy.conformance.UpstreamPeer;
import java.lang.ref.WeakReference;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What an open proxied connection keeps: not its upgrade request. The request's headers (a few KiB
 * of strings and maps) were held by the Netty server's close listener, the handshake and the bridge
 * for as long as the connection lived; at thousands of idle connections that was most of their heap.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OpenConnectionMemoryTest extends Resources {

  @Test
  void anOpenConnectionDoesNotKeepItsUpgradeRequest() throws Exception {
    AtomicReference<WeakReference<HandshakeRequest>> seen = new AtomicReference<>();
    AuthValidator recording = new AuthValidator() {
      @Override
      public CompletionStage<io.wsproxy.AuthResult> validate(HandshakeRequest request) {
        seen.set(new WeakReference<>(request));
        return AuthValidator.none().validate(request);
      }
    };
    UpstreamPeer peer = register(UpstreamPeer.start());
    WebSocketProxy proxy = register(WebSocketProxy.builder()
        .connector(register(new NettyUpstreamConnector())).authValidator(recording)
        .route("/", peer.uri("").toString()).build());
    int port = register(NettyEndpointServer.builder(proxy).eventLoopThreads(1)
        .start(new InetSocketAddress("127.0.0.1", 0))).port();
    CompletableFuture<String> echoed = new CompletableFuture<>();
    WebSocket ws = openAt(HttpClient.newHttpClient().newWebSocketBuilder()
        .header("X-Padding", "p".repeat(2000)), port, echoed);
    assertNotNull(peer.awaitConnection(AWAIT));
    WeakReference<HandshakeRequest> request = seen.get();
    assertNotNull(request, "the validator saw the request");
    // a full GC clears weak references to what nothing else holds; a few tries, bounded
    for (int i = 0; i < 20 && request.get() != null; i++) {
      System.gc();
    }
    assertNull(request.get(), "the open connection still holds its upgrade request");
    assertEquals(1, proxy.connectionCount(), "and the connection is still open");
    ws.sendText("still relaying", true);
    assertEquals("still relaying", echoed.get(AWAIT.toMillis(), TimeUnit.MILLISECONDS));
    ws.abort();
  }
}
