package io.wsproxy.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Figures#median}: what {@code bench --repeat} prints after its runs. */
class FiguresTest {

  private static Figures run(double cpu, double p99, Figures.Held held, Figures.Flood flood) {
    return new Figures("ws-proxy", 40_000, 0.3, p99, cpu, 1.4, 3_000, 18, 15, held, flood);
  }

  @Test
  void takesTheMedianOfEachFigureOverTheRuns() {
    Figures m = Figures.median(List.of(run(12, 0.9, null, null), run(10, 0.5, null, null),
        run(30, 0.7, null, null)));
    assertEquals(12, m.cpuMicrosPerMsg());
    assertEquals(0.7, m.p99Millis());
    assertEquals(40_000, m.echoPerSecond());
    assertEquals("ws-proxy", m.target());
  }

  @Test
  void takesTheMeanOfTheMiddleTwoOfAnEvenCountAndLeavesOutFailedPhases() {
    Figures m = Figures.median(List.of(run(10, Double.NaN, null, null),
        run(12, 0.5, null, null), run(20, Double.NaN, null, null), run(14, Double.NaN, null,
            null)));
    assertEquals(13, m.cpuMicrosPerMsg());
    assertEquals(0.5, m.p99Millis(), "the one run that measured it");
    assertTrue(Double.isNaN(Figures.median(List.of(run(1, Double.NaN, null, null))).p99Millis()));
  }

  @Test
  void takesTheWorstRunOfTheHeldConnectionsAndTheFlood() {
    Figures m = Figures.median(List.of(
        run(1, 1, new Figures.Held(9_800, 9_800, 0, 15, 270), new Figures.Flood(256, 0.1, true)),
        run(1, 1, new Figures.Held(9_800, 9_790, 10, 17, 260), new Figures.Flood(256, 3.5, false)),
        run(1, 1, new Figures.Held(9_800, 9_800, 0, 15, 280), new Figures.Flood(256, 0.0, true))));
    assertEquals(new Figures.Held(9_800, 9_790, 10, 17, 280), m.held());
    assertEquals(3.5, m.flood().rssGrowthMib());
    assertFalse(m.flood().intact(), "intact only if every run was");
    assertNull(Figures.median(List.of(run(1, 1, null, null))).held());
  }

  @Test
  void refusesNoRuns() {
    assertThrows(IllegalArgumentException.class, () -> Figures.median(List.of()));
  }
}
