package io.wsproxy.netty.internal;

import io.netty.util.NetUtil;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.InetSocketAddress;

/**
 * The socket address of an upstream host given as an IP literal, without a name lookup. The last
 * one each thread made is kept: dials from one event loop mostly go to the same few upstreams, and
 * an {@link InetSocketAddress} is immutable, so it is shared instead of parsed and built anew.
 *
 * <p><b>Threading.</b> Thread-safe (the kept address is per thread).
 */
final class LiteralAddress {

  private record Last(String host, int port, InetSocketAddress address) {}

  private static final FastThreadLocal<Last> LAST = new FastThreadLocal<>();

  private LiteralAddress() {}

  /**
   * The address of {@code host} (an IPv4 literal, or an IPv6 one with or without brackets) and
   * {@code port}, or {@code null} when {@code host} is a name.
   */
  static InetSocketAddress of(String host, int port) {
    Last last = LAST.get();
    if (last != null && last.port == port && last.host.equals(host)) {
      return last.address;
    }
    String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (!NetUtil.isValidIpV4Address(literal) && !NetUtil.isValidIpV6Address(literal)) {
      return null;
    }
    InetSocketAddress address =
        new InetSocketAddress(NetUtil.createInetAddressFromIpAddressString(literal), port);
    LAST.set(new Last(host, port, address));
    return address;
  }
}
