package io.wsproxy.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wsproxy.HandshakeDecision;
import io.wsproxy.HandshakeRequest;
import io.wsproxy.gateway.ErrorCodes;
import io.wsproxy.gateway.Gateway;
import io.wsproxy.gateway.GatewayException;
import io.wsproxy.gateway.GatewayProtocol;
import io.wsproxy.spi.PendingHandshake;
import io.wsproxy.spi.Text;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsListener;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code wsproxy.gateway.calls} from a real gateway's dispatcher, by method and outcome. */
class GatewayCallMetricsTest {

  /** Records what the gateway sends; the gateway answers on the calling thread. */
  private static final class Channel implements WsChannel {
    final BlockingQueue<String> sent = new LinkedBlockingQueue<>();

    @Override public boolean sendText(Text text) { sent.add(text.asString()); return true; }
    @Override public boolean sendBinary(ByteBuffer data) { return true; }
    @Override public void sendPing(ByteBuffer data) {}
    @Override public void sendPong(ByteBuffer data) {}
    @Override public void close(int code, String reason) {}
    @Override public void abort() {}
    @Override public boolean isWritable() { return true; }
    @Override public long queuedBytes() { return 0; }
    @Override public String subprotocol() { return null; }
  }

  @Test
  void timesEveryCallByMethodAndOutcomeWithUnregisteredMethodsAsUnknown() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (Gateway gateway = Gateway.builder().protocol(GatewayProtocol.JSON_RPC)
        .listener(GatewayMetrics.create(registry)).build()) {
      gateway.handle("math.add", call -> call.params());
      gateway.handle("math.fail", call -> {
        throw new GatewayException(ErrorCodes.INVALID_PARAMS, "no");
      });
      PendingHandshake pending = gateway.handshake(HandshakeRequest.builder().target("/")
          .remoteAddress(new InetSocketAddress("127.0.0.1", 40000)).build());
      assertTrue(pending.decision().toCompletableFuture().get(5, TimeUnit.SECONDS)
          instanceof HandshakeDecision.Accept);
      Channel channel = new Channel();
      WsListener client = pending.open(channel);
      client.onText(channel, Text.of("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"math.add\"}"));
      client.onText(channel, Text.of("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"math.add\"}"));
      client.onText(channel, Text.of("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"math.fail\"}"));
      client.onText(channel, Text.of("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"x-secret-1\"}"));
      for (int i = 0; i < 4; i++) {
        assertNotNull(channel.sent.poll(5, TimeUnit.SECONDS), "reply " + i);
      }
      assertEquals(2, registry.get("wsproxy.gateway.calls").tags("method", "math.add",
          "outcome", "ok").timer().count());
      assertEquals(1, registry.get("wsproxy.gateway.calls").tags("method", "math.fail",
          "outcome", "error").timer().count());
      assertEquals(1, registry.get("wsproxy.gateway.calls").tags("method", "(unknown)",
          "outcome", "refused").timer().count(), "an unregistered name never becomes a tag");
      assertTrue(registry.find("wsproxy.gateway.calls").tag("method", "x-secret-1").meters()
          .isEmpty());
    }
  }
}
