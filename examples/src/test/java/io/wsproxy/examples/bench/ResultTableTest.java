package io.wsproxy.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ResultTableTest {

  private static final Figures DIRECT = Figures.none("direct").withEcho(30_000, 0.3, 3.1, Double.NaN)
      .withHandshakes(3000);
  private static final Figures PROXY = Figures.none("ws-proxy").withEcho(15_000, 0.7, 5.8, 45.6)
      .withBig(5.8).withHandshakes(731).withIdle(141, 40);
  private static final Figures NGINX = Figures.none("nginx").withEcho(29_000, 0.5, 0.64, 12.6)
      .withBig(2.7).withHandshakes(3164).withIdle(18, 2);

  @Test
  void everyFigureHasARowWithTheRatioToNginx() {
    String t = ResultTable.render(DIRECT, PROXY, NGINX, 16, 2000, 8);
    assertEquals(9, t.split("\n").length, t);
    assertTrue(t.lines().findFirst().orElseThrow().endsWith("ws-proxy / nginx"), t);
    assertTrue(t.matches("(?s).*proxy CPU per relayed 64 B message, us +- +45\\.6 +12\\.6 +3\\.62x\n.*"),
        t);
    assertTrue(t.matches("(?s).*p99 round trip, ms +3\\.100 +5\\.800 +0\\.640 +9\\.06x\n.*"), t);
    assertTrue(t.contains("RSS per idle proxied connection at 2000, KiB"), t);
    assertTrue(t.matches("(?s).*threads at 2000 idle connections +- +40 +2 +20\\.00x\n"), t);
  }

  @Test
  void theHeldConnectionsAndTheFloodAreRowsOfTheSameTable() {
    Figures proxy = PROXY.withHeld(new Figures.Held(9_800, 9_800, 0, 16, 612.5))
        .withFlood(new Figures.Flood(256, 3.2, true));
    Figures nginx = NGINX.withHeld(new Figures.Held(9_800, 9_790, 10, 2, 40.0))
        .withFlood(new Figures.Flood(256, 0.5, false));
    Figures direct = DIRECT.withFlood(new Figures.Flood(256, Double.NaN, true));
    String t = ResultTable.render(direct, proxy, nginx, 16, 2000, 8);
    assertEquals(15, t.split("\n").length, t);
    assertTrue(t.matches("(?s).*\nconnections held at once and relaying, of 9,800 +- +9,800 +9,790"
        + " +1\\.00x\n.*"), t);
    assertTrue(t.matches("(?s).*\nerrors holding them \\(open, echo, close\\) +- +0 +10 +0\\.00x\n.*"),
        t);
    assertTrue(t.matches("(?s).*\nthreads holding them +- +16 +2 +8\\.00x\n.*"), t);
    assertTrue(t.matches("(?s).*\nRSS holding them, MiB +- +612\\.5 +40\\.0 +15\\.31x\n.*"), t);
    assertTrue(t.matches("(?s).*\nRSS growth, 256 MiB flood, client not reading, MiB +- +3\\.2"
        + " +0\\.5 +6\\.40x\n.*"), t);
    assertTrue(t.matches("(?s).*\nflood: all bytes in order, nothing closed +yes +yes +no +-\n"), t);
  }

  @Test
  void phasesThatDidNotRunHaveNoRows() {
    String t = ResultTable.render(DIRECT, PROXY, NGINX, 16, 2000, 8);
    assertTrue(!t.contains("held") && !t.contains("flood"), t);
  }

  @Test
  void withoutNginxTheRatiosAreNotAvailable() {
    String t = ResultTable.render(DIRECT, PROXY, null, 16, 2000, 8);
    assertTrue(t.matches("(?s).*handshakes/s \\(open\\+close\\), 8 loops +3,000 +731 +not run +n/a\n.*"),
        t);
  }

  @Test
  void ratioIsMissingForAMissingOrZeroFigure() {
    assertEquals("n/a", ResultTable.ratio(1, Double.NaN));
    assertEquals("n/a", ResultTable.ratio(Double.NaN, 1));
    assertEquals("n/a", ResultTable.ratio(1, 0));
    assertEquals("0.50x", ResultTable.ratio(1, 2));
  }
}
