package io.wsproxy.examples.bench;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Local addresses the load generator connects from. All of 127.0.0.0/8 is loopback on Linux, so
 * spreading connections over several source addresses keeps all traffic on the machine while
 * staying below a proxy's per-client-address cap (ws-proxy's {@code maxConnectionsPerAddress}),
 * which would otherwise turn a measurement of capacity into one of a policy.
 */
final class Loopback {

  /** Idle connections per source address. */
  static final int IDLE_PER_SOURCE = 200;
  /** Source addresses the handshake loops rotate through. */
  static final int HANDSHAKE_SOURCES = 200;

  private Loopback() {}

  /** The source of the {@code i}-th idle connection: 127.0.0.(2 + i / 200). */
  static InetAddress idleSource(int i) {
    int host = 2 + i / IDLE_PER_SOURCE;
    if (host > 254) {
      throw new IllegalArgumentException("too many idle connections for 127.0.0.0/24: " + i);
    }
    return address(0, host);
  }

  /** The source of the {@code n}-th handshake: 127.0.1.(1 + n % 200). */
  static InetAddress handshakeSource(long n) {
    return address(1, 1 + (int) (n % HANDSHAKE_SOURCES));
  }

  private static InetAddress address(int third, int fourth) {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, (byte) third, (byte) fourth});
    } catch (UnknownHostException e) {
      throw new AssertionError("four bytes are always an address", e);
    }
  }
}
