package io.wsproxy.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fits a connection cap to the process's file-descriptor limit, so that the endpoint refuses
 * (429/503) before the operating system does: past the limit a client would get a 101 and then a
 * failure, or nothing at all. A proxied connection holds two descriptors (client and upstream), a
 * gateway connection one; {@link #RESERVED} are kept for the listening sockets, logs, jars and
 * pending handshakes.
 *
 * <p>The limit is read from {@code /proc/self/limits} (Linux); elsewhere the cap is taken as it is.
 * Stateless.
 */
public final class DescriptorBudget {

  private static final Logger log = LoggerFactory.getLogger(DescriptorBudget.class);

  /** Descriptors kept back from connections: 256. */
  public static final int RESERVED = 256;

  private static final Path LIMITS = Path.of("/proc/self/limits");

  private DescriptorBudget() {}

  /**
   * The cap to enforce: {@code maxConnections}, or less when {@code perConnection} descriptors for
   * each would not fit under the soft limit; a WARN with the numbers says so.
   */
  public static int fit(int maxConnections, int perConnection, String what) {
    OptionalLong limit = softLimit();
    if (limit.isEmpty()) {
      return maxConnections;
    }
    return fit(maxConnections, perConnection, limit.getAsLong(), what);
  }

  static int fit(int maxConnections, int perConnection, long limit, String what) {
    long needed = (long) maxConnections * perConnection + RESERVED;
    if (needed <= limit) {
      return maxConnections;
    }
    int fitted = (int) Math.max(1, (limit - RESERVED) / perConnection);
    log.warn("{}: maxConnections {} needs {} file descriptors ({} per connection + {} reserved) "
        + "but the limit (ulimit -n) is {}; capping connections at {}: raise the limit to allow "
        + "more", what, maxConnections, needed, perConnection, RESERVED, limit, fitted);
    return fitted;
  }

  /** The soft {@code Max open files} limit, when the platform tells. */
  static OptionalLong softLimit() {
    try {
      List<String> lines = Files.readAllLines(LIMITS);
      for (String line : lines) {
        if (line.startsWith("Max open files")) {
          String[] parts = line.substring("Max open files".length()).trim().split("\\s+");
          return parts[0].equals("unlimited") ? OptionalLong.empty()
              : OptionalLong.of(Long.parseLong(parts[0]));
        }
      }
    } catch (IOException | RuntimeException e) {
      log.debug("cannot read the descriptor limit: {}", e.toString());
    }
    return OptionalLong.empty();
  }
}
