package io.wsproxy.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.examples.EchoEndpoint;
import io.wsproxy.netty.NettyEndpointServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The echo's flood over a real socket, read by the bench's flood phase. */
class FloodPhaseTest {

  private static Figures flood(EchoEndpoint echo, List<String> notes) throws Exception {
    NettyEndpointServer server = NettyEndpointServer.start(
        new InetSocketAddress("127.0.0.1", 0), echo);
    try {
      PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
      return new FloodPhase(out, notes).run(Figures.none("direct"), server.port(), null, 8,
          Duration.ofMillis(300));
    } finally {
      server.close();
    }
  }

  @Test
  void aFloodingEchoDeliversEveryByteInOrderToAClientThatPausedReading() throws Exception {
    List<String> notes = new ArrayList<>();
    Figures f = flood(EchoEndpoint.flooding(), notes);
    assertEquals(List.of(), notes);
    assertTrue(f.flood().intact(), f.toString());
    assertEquals(8, f.flood().mib());
    assertTrue(Double.isNaN(f.flood().rssGrowthMib()), "no proxy process, no RSS figure");
  }

  @Test
  void aPlainEchoDoesNotFloodAndThePhaseSaysSo() throws Exception {
    List<String> notes = new ArrayList<>();
    Figures f = flood(new EchoEndpoint(), notes); // echoes the request back as text: not a flood
    assertFalse(f.flood().intact(), f.toString());
    assertEquals(1, notes.size(), notes.toString());
    assertTrue(notes.get(0).startsWith("direct flood of 8 MiB: "), notes.get(0));
  }
}
