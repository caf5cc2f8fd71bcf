package io.wsproxy.netty.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** IP literals become addresses without a lookup, names do not; the last one is reused. */
class LiteralAddressTest {

  @Test
  void readsIpv4AndBracketedIpv6LiteralsAndLeavesNamesToTheResolver() throws Exception {
    assertEquals(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 9001),
        LiteralAddress.of("127.0.0.1", 9001));
    assertEquals(new InetSocketAddress(InetAddress.getByName("::1"), 9002),
        LiteralAddress.of("[::1]", 9002));
    assertNull(LiteralAddress.of("backend.test", 9001));
    assertNull(LiteralAddress.of("localhost", 9001));
  }

  @Test
  void reusesTheLastAddressForTheSameHostAndPortOnly() {
    InetSocketAddress a = LiteralAddress.of("10.0.0.7", 80);
    assertSame(a, LiteralAddress.of("10.0.0.7", 80));
    InetSocketAddress b = LiteralAddress.of("10.0.0.7", 81);
    assertNotSame(a, b);
    assertEquals(81, b.getPort());
    assertEquals("10.0.0.8", LiteralAddress.of("10.0.0.8", 81).getAddress().getHostAddress());
  }
}
