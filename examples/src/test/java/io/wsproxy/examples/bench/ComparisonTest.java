package io.wsproxy.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ComparisonTest {

  private static final List<Comparison.Target> TARGETS = List.of(
      new Comparison.Target("ws-proxy", 1, ProcessHandle.current()),
      new Comparison.Target("ws-proxy --admin-listen 127.0.0.1:0", 2, ProcessHandle.current()));

  @Test
  void theVariantRunsTheOtherJarWhetherTheProxyRunsFromAJarOrAClasspath() {
    assertEquals(List.of("java", "-jar", "/old.jar", "proxy"),
        Comparison.withJar(List.of("java", "-jar", "/new/ws-proxy.jar", "proxy"), "/old.jar"));
    assertEquals(List.of("taskset", "-c", "1", "java", "-cp", "/old.jar", "Main", "proxy"),
        Comparison.withJar(List.of("taskset", "-c", "1", "java", "-cp", "/new/any-name.jar",
            "Main", "proxy"), "/old.jar"));
    assertThrows(IllegalArgumentException.class,
        () -> Comparison.withJar(List.of("nginx", "-c", "x.conf"), "/old.jar"));
  }

  @Test
  void medianOfAnOddCountIsTheMiddleAndOfAnEvenCountTheMeanOfTheMiddleTwo() {
    assertEquals(2.0, Comparison.median(new double[] {3, 1, 2}));
    assertEquals(2.5, Comparison.median(new double[] {4, 1, 3, 2}));
  }

  @Test
  void ratioIsTheMedianOfPerRoundRatiosSoADriftingMachineCancelsOut() {
    // the machine slows down by half between rounds; the variant always costs 10% more
    double[][] cpu = {{10, 15, 20}, {11, 16.5, 22}};
    String t = Comparison.render(TARGETS, cpu);
    assertTrue(t.matches("(?s).*\nws-proxy +15\\.00 +10\\.00 +20\\.00 +1\\.000x\n.*"), t);
    assertTrue(t.matches("(?s).*\nws-proxy --admin-listen 127\\.0\\.0\\.1:0 +16\\.50 +11\\.00 +22\\.00"
        + " +1\\.100x\n"), t);
  }

  @Test
  void handshakeRatiosAreMediansOfPerRoundRatiosAndTheLoadSideIsShownPerHandshake() {
    // the machine slows down between rounds; the variant makes 10% fewer handshakes per second at
    // 20% more CPU each, and costs the load side the same
    Comparison.Handshakes[][] hs = {
        {new Comparison.Handshakes(4000, 200, 240), new Comparison.Handshakes(2000, 400, 480),
            new Comparison.Handshakes(3000, 300, 360)},
        {new Comparison.Handshakes(3600, 240, 240), new Comparison.Handshakes(1800, 480, 480),
            new Comparison.Handshakes(2700, 360, 360)}};
    String t = Comparison.renderHandshakes(TARGETS, hs);
    assertTrue(t.startsWith("handshakes, 8 loops (medians)"), t);
    assertTrue(t.matches("(?s).*\nws-proxy +3,000 +1\\.000x +300 +1\\.000x +360\n.*"), t);
    assertTrue(t.matches("(?s).*\nws-proxy --admin-listen 127\\.0\\.0\\.1:0 +2,700 +0\\.900x +360"
        + " +1\\.200x +360\n"), t);
  }

  @Test
  void namesAreTheProxyTheVariantWithItsArgumentsAndNginxWhenItRuns() {
    assertEquals(List.of("ws-proxy", "ws-proxy --a b", "nginx"),
        Comparison.names("ws-proxy", List.of("--a", "b"), null, true));
    assertEquals(List.of("ws-proxy", "ws-proxy --a b"),
        Comparison.names("ws-proxy", List.of("--a", "b"), null, false));
  }

  @Test
  void aVariantOfAnotherJarIsNamedByItsJarAndThenItsArguments() {
    assertEquals(List.of("ws-proxy", "ws-proxy of /tmp/old.jar", "nginx"),
        Comparison.names("ws-proxy", List.of(), "/tmp/old.jar", true));
    assertEquals(List.of("ws-proxy", "ws-proxy of /tmp/old.jar --a"),
        Comparison.names("ws-proxy", List.of("--a"), "/tmp/old.jar", false));
  }
}
