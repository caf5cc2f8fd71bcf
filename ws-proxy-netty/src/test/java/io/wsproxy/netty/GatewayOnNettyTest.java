package io.wsproxy.netty;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.gateway.Gateway;
import io.wsproxy.gateway.GatewayProtocol;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The ready server serves a {@link Gateway} like a proxy: both are just endpoints. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GatewayOnNettyTest extends Resources {

  @Test
  void answersAJsonRpcCallThroughTheNettyServer() throws Exception {
    Gateway gateway = register(Gateway.builder().protocol(GatewayProtocol.JSON_RPC).build());
    int port = register(NettyEndpointServer.builder(gateway).eventLoopThreads(1)
        .start(new InetSocketAddress("127.0.0.1", 0))).port();
    CompletableFuture<String> reply = new CompletableFuture<>();
    WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(URI.create("ws://127.0.0.1:" + port + "/"), new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            reply.complete(data.toString());
            return null;
          }
        }).get(AWAIT.toMillis(), TimeUnit.MILLISECONDS);
    ws.sendText("{\"id\":1,\"method\":\"ping\"}", true);
    String answer = reply.get(AWAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertTrue(answer.contains("\"id\":1") && answer.contains("result"), answer);
    ws.abort();
  }
}
