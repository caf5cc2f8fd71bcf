package io.wsproxy;

import io.wsproxy.security.internal.Cidr;
import io.wsproxy.security.internal.ForwardedFor;
import io.wsproxy.security.internal.IpAddresses;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * The peers whose forwarding headers ({@code X-Forwarded-*}, {@code Forwarded}, identity headers)
 * are believed. Headers from any other peer are dropped and the proxy sets its own.
 *
 * <pre>{@code
 * TrustedProxies.of("10.0.0.0/8", "fd00::/8", "127.0.0.1")
 * }</pre>
 *
 * <p>Entries are IPv4 or IPv6 networks in CIDR notation or bare addresses, parsed numerically: host
 * names are refused, never looked up. {@link #none()} (the default) trusts no one.
 *
 * <p>Immutable and thread-safe; no method blocks or does I/O.
 */
public final class TrustedProxies {

  private static final TrustedProxies NONE = new TrustedProxies(List.of());

  private final List<Cidr> networks;

  private TrustedProxies(List<Cidr> networks) {
    this.networks = networks;
  }

  /** Trusts no peer: every forwarding header from clients is dropped. */
  public static TrustedProxies none() {
    return NONE;
  }

  /**
   * Trusts peers in these networks, e.g. {@code "10.0.0.0/8"}, {@code "::1"},
   * {@code "2001:db8::/32"}.
   *
   * @throws IllegalArgumentException naming the entry when one is not a numeric address or network,
   *     its prefix is out of range, or it has host bits set ({@code 10.0.0.1/8})
   */
  public static TrustedProxies of(String... cidrs) {
    Objects.requireNonNull(cidrs, "cidrs");
    return of(List.of(cidrs));
  }

  /** As {@link #of(String...)}. */
  public static TrustedProxies of(Collection<String> cidrs) {
    Objects.requireNonNull(cidrs, "cidrs");
    LinkedHashSet<Cidr> parsed = new LinkedHashSet<>();
    for (String c : cidrs) {
      parsed.add(Cidr.parse(c));
    }
    return parsed.isEmpty() ? NONE : new TrustedProxies(List.copyOf(parsed));
  }

  /** Whether {@code peer} is a trusted proxy. */
  public boolean isTrusted(InetAddress peer) {
    Objects.requireNonNull(peer, "peer");
    return !networks.isEmpty() && contains(IpAddresses.bytesOf(peer));
  }

  /** Whether no peer is trusted. */
  public boolean isEmpty() {
    return networks.isEmpty();
  }

  /**
   * The client's address: {@code peer} when it is not trusted, else the rightmost untrusted entry of
   * the {@code X-Forwarded-For} values. An entry that is not a numeric address ({@code unknown},
   * {@code _hidden}, garbage) ends the walk at the last trusted hop; ports and {@code [v6]} brackets
   * are understood. The walk is bounded (see {@link ForwardedFor}) and never does a DNS lookup.
   *
   * @param peer         the TCP peer
   * @param forwardedFor every {@code X-Forwarded-For} field value, in the order received
   */
  public InetAddress clientAddress(InetAddress peer, List<String> forwardedFor) {
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(forwardedFor, "forwardedFor");
    if (networks.isEmpty()) {
      return peer;
    }
    byte[] peerBytes = IpAddresses.bytesOf(peer);
    byte[] client = ForwardedFor.clientAddress(peerBytes, forwardedFor, this::contains);
    return client == peerBytes ? peer : IpAddresses.toInetAddress(client);
  }

  private boolean contains(byte[] address) {
    for (Cidr c : networks) {
      if (c.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /** The trusted networks in canonical CIDR form. */
  public List<String> networks() {
    List<String> out = new ArrayList<>(networks.size());
    networks.forEach(c -> out.add(c.toString()));
    return List.copyOf(out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TrustedProxies t && t.networks.equals(networks);
  }

  @Override
  public int hashCode() {
    return networks.hashCode();
  }

  @Override
  public String toString() {
    return "TrustedProxies" + networks;
  }
}
