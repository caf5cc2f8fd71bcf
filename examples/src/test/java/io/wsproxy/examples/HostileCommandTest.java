package io.wsproxy.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The cheap part of {@code hostile}: its handshake run against a CLI proxy in a child JVM. Every
 * hostile upgrade gets an HTTP refusal and reaches no upstream; the valid control upgrade does.
 * (The idle and fragment runs take minutes and are runs, not tests.)
 */
@Timeout(120)
class HostileCommandTest {

  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"netty", "javawebsocket"})
  void refusesEveryHostileHandshakeWithoutDiallingTheUpstream(String server) {
    Cli.Result r = Cli.run("hostile", "--server", server, "--run", "handshakes",
        "--log", dir.resolve("proxy.log").toString());
    assertEquals(0, r.exitCode(), r.err());
    List<String> lines = r.out().lines().filter(l -> l.contains("->")).toList();
    assertEquals(12, lines.size(), r.out());
    for (String line : lines.subList(0, 11)) {
      assertTrue(line.matches(".*-> HTTP/1\\.1 4\\d\\d .*upstream upgrades: 0"), line);
    }
    assertTrue(lines.get(11).matches(
        ".*valid upgrade \\(control\\) +-> served in .*upstream upgrades: 1"),
        lines.get(11));
  }
}
