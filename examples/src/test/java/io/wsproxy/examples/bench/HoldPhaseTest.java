package io.wsproxy.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.examples.EchoEndpoint;
import io.wsproxy.netty.NettyEndpointServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class HoldPhaseTest {

  @Test
  void aCountThatFitsTwoDescriptorsEachUnderTheLimitIsKept() {
    assertEquals(10_000, HoldPhase.fit(10_000, 65_536));
    assertEquals(2_000, HoldPhase.fit(2_000, 20_000));
  }

  @Test
  void aCountThatDoesNotFitIsCutToARoundCountBelowTheProxysOwnCap() {
    // ws-proxy caps connections at (20,000 - 256) / 2 = 9,872 with this limit
    assertEquals(9_800, HoldPhase.fit(10_000, 20_000));
    assertTrue(HoldPhase.fit(10_000, 20_000) <= (20_000 - 256) / 2 - HoldPhase.MARGIN);
    assertEquals(9_800, HoldPhase.fit(9_850, 20_000), "50 below the cap at least");
    assertEquals(300, HoldPhase.fit(10_000, 1_000));
    assertEquals(1, HoldPhase.fit(10_000, 100), "never below one");
    assertThrows(IllegalArgumentException.class, () -> HoldPhase.fit(0, 20_000));
  }

  @Test
  void holdsConnectionsThatAllRelayTwiceAndReadsTheProcess() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux /proc");
    NettyEndpointServer server = NettyEndpointServer.start(
        new InetSocketAddress("127.0.0.1", 0), new EchoEndpoint());
    try {
      List<String> notes = new ArrayList<>();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      // this JVM stands in for the proxy process: the figures are read from it
      Figures f = new HoldPhase(new PrintStream(out, true, StandardCharsets.UTF_8), notes)
          .run(Figures.none("echo"), server.port(), ProcessHandle.current(), 30);
      assertEquals(new Figures.Held(30, 30, 0, f.held().threads(), f.held().rssMib()), f.held());
      assertTrue(f.held().threads() >= 2 && f.held().rssMib() > 1, f.held().toString());
      assertEquals(List.of(), notes);
      assertTrue(out.toString(StandardCharsets.UTF_8).contains("30 of 30 relayed a second echo"),
          out.toString(StandardCharsets.UTF_8));
    } finally {
      server.close();
    }
  }

  @Test
  void connectionsThatCannotOpenAreCountedAsErrorsWithANote() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux /proc");
    int closedPort = ChildProcess.freePort(); // nothing listens there
    List<String> notes = new ArrayList<>();
    Figures f = new HoldPhase(new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8), notes).run(Figures.none("nothing"), closedPort,
        ProcessHandle.current(), 5);
    assertEquals(0, f.held().relaying());
    assertEquals(5, f.held().errors());
    assertEquals(1, notes.size(), notes.toString());
    assertTrue(notes.get(0).startsWith("nothing holding 5 connections: 5 failed to open"),
        notes.get(0));
  }
}
