package io.wsproxy.examples.bench;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What one bench run does. Every phase has a count and a time limit, whichever comes first.
 *
 * @param connections     connections of the 64 B echo phase
 * @param echoLimit       time limit of the 64 B phase (at most {@link #MAX_ROUND_TRIPS})
 * @param bigLimit        time limit of the 1 MiB phase (at most {@link #MAX_BIG_ROUND_TRIPS})
 * @param handshakeLimit  time limit of the handshake phase (at most {@link #MAX_HANDSHAKES})
 * @param warmUp          unmeasured load before the measured phases (JIT compilation)
 * @param settleLimit     the longest the warm-up goes on after {@code warmUp} while the proxy's JIT
 *                        compiler is still busy (zero: not at all); see {@link WarmUp}
 * @param idle            idle connections of the memory phase
 * @param hold            connections held at once by the many-connections phase (0: skipped;
 *                        fitted down to the target's descriptor limit)
 * @param floodMib        MiB flooded toward a client that does not read (0: skipped)
 * @param floodStall      how long that client does not read
 * @param proxyCommand    the proxy under test; {@code {port}} and {@code {backend}} are replaced
 * @param proxyName       the proxy's column in the table
 * @param nginx           the nginx binary, or null to skip nginx
 * @param pinCpu          the CPU the proxies are pinned to with {@code taskset}, or null
 * @param childJava       the command that runs this CLI in a child JVM (backend and default proxy)
 * @param compareArgs     for {@code --compare}: the extra arguments of the variant measured next to
 *                        the proxy under test in interleaved rounds; empty for the normal run
 * @param compareJar      for {@code --compare}: the jar the variant runs instead of the proxy's (to
 *                        measure a change against the build before it), or null
 * @param rounds          rounds of a {@code --compare} run
 * @param repeat          runs of the whole table, summed up by their medians (1: one run)
 */
public record BenchConfig(int connections, Duration echoLimit, Duration bigLimit,
    Duration handshakeLimit, Duration warmUp, Duration settleLimit, int idle, int hold, int floodMib,
    Duration floodStall, List<String> proxyCommand,
    String proxyName, String nginx, String pinCpu, List<String> childJava,
    List<String> compareArgs, String compareJar, int rounds, int repeat) {

  /** Size of the small messages. */
  public static final int SMALL = 64;
  /** Size of the large messages. */
  public static final int BIG = 1 << 20;
  /** Connections of the 1 MiB phase. */
  public static final int BIG_CONNECTIONS = 4;
  /** Parallel loops of the handshake phase. */
  public static final int HANDSHAKE_LOOPS = 8;
  /** Most round trips of the 64 B phase. */
  public static final int MAX_ROUND_TRIPS = 500_000;
  /** Most round trips of the 1 MiB phase. */
  public static final int MAX_BIG_ROUND_TRIPS = 4_000;
  /** Most handshakes of the handshake phase. */
  public static final int MAX_HANDSHAKES = 30_000;

  public BenchConfig {
    Objects.requireNonNull(echoLimit, "echoLimit");
    Objects.requireNonNull(bigLimit, "bigLimit");
    Objects.requireNonNull(handshakeLimit, "handshakeLimit");
    Objects.requireNonNull(warmUp, "warmUp");
    Objects.requireNonNull(settleLimit, "settleLimit");
    Objects.requireNonNull(floodStall, "floodStall");
    proxyCommand = List.copyOf(proxyCommand);
    childJava = List.copyOf(childJava);
    compareArgs = List.copyOf(compareArgs);
    if (rounds < 1) {
      throw new IllegalArgumentException("rounds must be positive: " + rounds);
    }
    if (repeat < 1) {
      throw new IllegalArgumentException("repeat must be positive: " + repeat);
    }
    Objects.requireNonNull(proxyName, "proxyName");
    if (connections < 1) {
      throw new IllegalArgumentException("connections must be positive: " + connections);
    }
    if (idle < 1) {
      throw new IllegalArgumentException("idle must be positive: " + idle);
    }
    if (hold < 0 || floodMib < 0) {
      throw new IllegalArgumentException("hold and floodMib must not be negative: " + hold + ", "
          + floodMib);
    }
  }

  /**
   * Phase times of a default run or a {@code --quick} one: the 64 B, 1 MiB and handshake limits,
   * the warm-up and the flood's stall.
   */
  public static Duration[] limits(boolean quick) {
    return quick
        ? new Duration[] {Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(1),
            Duration.ofSeconds(2), Duration.ofSeconds(1)}
        : new Duration[] {Duration.ofSeconds(12), Duration.ofSeconds(8), Duration.ofSeconds(8),
            Duration.ofSeconds(6), Duration.ofSeconds(3)};
  }

  /** True for a {@code --compare} run. */
  public boolean comparing() {
    return !compareArgs.isEmpty() || compareJar != null;
  }

  /** The proxy command with the ports filled in. */
  public List<String> proxyCommand(int port, int backendPort) {
    return proxyCommand.stream()
        .map(s -> s.replace("{port}", Integer.toString(port))
            .replace("{backend}", Integer.toString(backendPort)))
        .toList();
  }
}
