package io.wsproxy;

import java.net.InetAddress;

/**
 * The peers whose forwarding headers ({@code X-Forwarded-*}, {@code Forwarded}, identity headers)
 * are believed. Headers from any other peer are dropped and the proxy sets its own.
 *
 * <p>Immutable and thread-safe. {@link #none()} (the default) trusts no one.
 */
public final class TrustedProxies {

  private static final TrustedProxies NONE = new TrustedProxies();

  private TrustedProxies() {}

  /** Trusts no peer: every forwarding header from clients is dropped. */
  public static TrustedProxies none() {
    return NONE;
  }

  /** Whether {@code peer} is a trusted proxy. */
  public boolean isTrusted(InetAddress peer) {
    return false;
  }
}
