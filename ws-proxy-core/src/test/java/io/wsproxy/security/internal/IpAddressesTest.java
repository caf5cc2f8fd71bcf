package io.wsproxy.security.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class IpAddressesTest {

  @ParameterizedTest
  @ValueSource(strings = {"0.0.0.0", "1.2.3.4", "255.255.255.255", "10.0.0.1"})
  void parsesDottedQuads(String ip) throws Exception {
    assertArrayEquals(java.net.InetAddress.getByName(ip).getAddress(), IpAddresses.parse(ip));
  }

  @ParameterizedTest
  @ValueSource(strings = {"::", "::1", "1::", "2001:db8::1", "fe80::1:2:3:4", "1:2:3:4:5:6:7:8",
      "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "2001:DB8::A", "64:ff9b::192.0.2.33",
      "1:2:3:4:5:6:1.2.3.4"})
  void parsesIpv6LikeTheJdk(String ip) throws Exception {
    assertArrayEquals(java.net.InetAddress.getByName(ip).getAddress(), IpAddresses.parse(ip));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "010.0.0.1",
      "0x7f.0.0.1", "127.1", "2130706433", "1.2.3.4 ", " 1.2.3.4", "1..2.3", "1.2.3.", "a.b.c.d",
      "localhost", "example.com", "unknown", "_hidden", "1:2:3:4:5:6:7:8:9", ":1", "1:", "1:::2",
      "1::2::3", "12345::1", "g::1", "::1%eth0", "fe80::1%1", "1:2:3:4:5:6:7:1.2.3.4",
      "::1.2.3", "::1.2.3.4.5", "::256.1.1.1", "[::1]", "1.2.3.4:80", "1:2:3:4:5:6:7:8::",
      "1\u0663.2.3.4", "\uff11.2.3.4"})
  void refusesEverythingElseWithoutALookup(String text) {
    assertNull(IpAddresses.parse(text), text);
  }

  @Test
  void reducesIpv4MappedAddressesToIpv4() {
    assertArrayEquals(new byte[] {1, 2, 3, 4}, IpAddresses.parse("::ffff:1.2.3.4"));
    assertArrayEquals(new byte[] {1, 2, 3, 4}, IpAddresses.parse("::ffff:102:304"));
    assertEquals(16, IpAddresses.parseExact("::ffff:1.2.3.4").length);
  }

  @Test
  void refusesOverlongInputBeforeParsing() {
    assertNull(IpAddresses.parse("1".repeat(10_000)));
  }

  @Test
  void writesIpv6InOneFullSpelling() {
    assertEquals("2001:db8:0:0:0:0:0:1", IpAddresses.fullV6(IpAddresses.parse("2001:DB8::1")));
  }
}
