package io.wsproxy;

import static io.wsproxy.security.internal.Handshakes.address;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.security.internal.ForwardedFor;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrustedProxiesTest {

  private static final TrustedProxies LAN = TrustedProxies.of("10.0.0.0/8", "fd00::/8", "127.0.0.1");

  private static String client(TrustedProxies t, String peer, String... xff) {
    return t.clientAddress(address(peer), List.of(xff)).getHostAddress();
  }

  @Test
  void matchesIpv4AndIpv6NetworksAndBareAddresses() {
    assertTrue(LAN.isTrusted(address("10.1.2.3")));
    assertTrue(LAN.isTrusted(address("127.0.0.1")));
    assertTrue(LAN.isTrusted(address("fd12::1")));
    assertFalse(LAN.isTrusted(address("127.0.0.2")));
    assertFalse(LAN.isTrusted(address("11.0.0.1")));
    assertFalse(LAN.isTrusted(address("fe80::1")));
    assertFalse(LAN.isTrusted(address("::1")));
  }

  @Test
  void matchesPrefixesThatAreNotWholeBytes() {
    TrustedProxies t = TrustedProxies.of("192.168.4.0/22", "2001:db8:8000::/33");
    assertTrue(t.isTrusted(address("192.168.7.255")));
    assertFalse(t.isTrusted(address("192.168.8.0")));
    assertFalse(t.isTrusted(address("192.168.3.255")));
    assertTrue(t.isTrusted(address("2001:db8:ffff::1")));
    assertFalse(t.isTrusted(address("2001:db8:7fff::1")));
  }

  @Test
  void matchesIpv4MappedPeersAgainstIpv4Networks() throws Exception {
    InetAddress mapped = InetAddress.getByAddress(
        new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 0, 0, 9});
    assertTrue(LAN.isTrusted(mapped));
    assertTrue(TrustedProxies.of("::ffff:10.0.0.0/104").isTrusted(address("10.3.3.3")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"localhost", "proxy.example.com", "10.0.0.0/33", "::/129", "10.0.0.1/8",
      "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/08", "10.0.0.0/8/8", "", " ", "*", "10.0.0.*",
      "fe80::1%eth0", "::ffff:10.0.0.0/90", "1.2.3.4:80", "[::1]"})
  void refusesInvalidEntriesNamingThem(String entry) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TrustedProxies.of(entry));
    assertTrue(e.getMessage().contains("'" + entry + "'"), e.getMessage());
  }

  @Test
  void refusesNullEntries() {
    assertThrows(RuntimeException.class, () -> TrustedProxies.of("10.0.0.0/8", null));
  }

  @Test
  void noneAndEmptyTrustNoOne() {
    assertSame(TrustedProxies.none(), TrustedProxies.of());
    assertTrue(TrustedProxies.none().isEmpty());
    assertFalse(TrustedProxies.none().isTrusted(address("127.0.0.1")));
    assertEquals("1.2.3.4", client(TrustedProxies.none(), "1.2.3.4", "9.9.9.9"));
  }

  @Test
  void reportsCanonicalNetworks() {
    assertEquals(List.of("10.0.0.0/8", "fd00:0:0:0:0:0:0:0/8", "127.0.0.1/32"), LAN.networks());
  }

  @Test
  void clientIsThePeerWhenThePeerIsUntrusted() {
    assertEquals("203.0.113.7", client(LAN, "203.0.113.7", "10.0.0.1", "1.1.1.1"));
  }

  @Test
  void clientIsTheRightmostUntrustedEntryForATrustedPeer() {
    assertEquals("198.51.100.2", client(LAN, "10.0.0.1", "6.6.6.6, 198.51.100.2, 10.0.0.5"));
    assertEquals("198.51.100.2", client(LAN, "10.0.0.1", "6.6.6.6", "198.51.100.2", "10.0.0.5"));
  }

  @Test
  void clientIsTheLeftmostEntryWhenEveryHopIsTrusted() {
    assertEquals("10.0.0.9", client(LAN, "10.0.0.1", "10.0.0.9, 10.0.0.5"));
  }

  @Test
  void clientIsTheTrustedPeerWhenItSentNoChain() {
    assertEquals("10.0.0.1", client(LAN, "10.0.0.1"));
    assertEquals("10.0.0.1", client(LAN, "10.0.0.1", "", " , ,"));
  }

  @Test
  void understandsPortsBracketsAndQuotes() {
    assertEquals("198.51.100.2", client(LAN, "10.0.0.1", "198.51.100.2:5678"));
    assertEquals("2001:db8:0:0:0:0:0:1", client(LAN, "10.0.0.1", "[2001:db8::1]:80"));
    assertEquals("2001:db8:0:0:0:0:0:1", client(LAN, "10.0.0.1", "[2001:db8::1]"));
    assertEquals("2001:db8:0:0:0:0:0:1", client(LAN, "10.0.0.1", "2001:db8::1"));
    assertEquals("198.51.100.2", client(LAN, "10.0.0.1", "\"198.51.100.2\""));
    assertEquals("198.51.100.2", client(LAN, "10.0.0.1", "\t198.51.100.2\t"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"unknown", "_hidden", "_SEVKISEK", "garbage", "1.2.3.4:", "1.2.3.4:99999a",
      "1.2.3.4:123456", "[2001:db8::1", "[1.2.3.4]", "[::1]x", "::1]:80", "example.com",
      "localhost", "1.2.3.4.5", "0x7f.0.0.1", "\"", "=", "1.2.3.4;proto=http"})
  void stopsAtTheLastTrustedHopOnAnEntryThatIsNotAnAddress(String garbage) {
    assertEquals("10.0.0.5", client(LAN, "10.0.0.1", "6.6.6.6, " + garbage + ", 10.0.0.5"));
    assertEquals("10.0.0.1", client(LAN, "10.0.0.1", garbage));
  }

  @Test
  void neverCopiesAnOverlongEntry() {
    assertEquals("10.0.0.1", client(LAN, "10.0.0.1", "1".repeat(100_000)));
  }

  @Test
  void walksTenThousandEntriesQuicklyAndFindsTheClient() {
    List<String> spoofed = new ArrayList<>(Collections.nCopies(10_000, "10.9.9.9"));
    String header = String.join(",", spoofed) + ",198.51.100.2,10.0.0.5";
    assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
      for (int i = 0; i < 10; i++) {
        assertEquals("198.51.100.2", client(LAN, "10.0.0.1", header));
      }
    });
  }

  @Test
  void stopsAfterTheHopLimitWhenEveryEntryIsTrusted() {
    List<String> hops = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      hops.add("10.0." + (i / 250) + "." + (i % 250 + 1));
    }
    String last = hops.get(hops.size() - ForwardedFor.MAX_TRUSTED_HOPS);
    assertEquals(last, client(LAN, "10.0.0.1", String.join(", ", hops)));
  }

  @Test
  void neverResolvesHostNames() {
    // a name that would resolve (or hang on DNS) if looked up is just garbage to the parser
    assertEquals("10.0.0.1", client(LAN, "10.0.0.1", "localhost"));
    assertThrows(IllegalArgumentException.class, () -> TrustedProxies.of("localhost"));
  }

  @Test
  void equalityFollowsTheNetworks() {
    assertEquals(TrustedProxies.of("10.0.0.0/8"), TrustedProxies.of(" 10.0.0.0/8 "));
    assertEquals(TrustedProxies.of("::1").hashCode(), TrustedProxies.of("0:0::1").hashCode());
  }
}
