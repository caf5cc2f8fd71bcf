package io.wsproxy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What an {@link UpstreamConnector} dials. Immutable.
 *
 * @param uri            {@code ws://} or {@code wss://} URI with path and query
 * @param headers        headers to send in the upgrade request (forwarding headers included)
 * @param subprotocols   subprotocols to offer, at most one when proxying (see {@link Route})
 * @param connectTimeout how long the TCP connect plus the upgrade may take
 * @param maxMessageSize largest message accepted from the upstream, in bytes
 * @param closeTimeout   how long the upstream has to answer our close frame before the connector
 *                       cuts the connection
 */
public record UpstreamRequest(URI uri, Headers headers, List<String> subprotocols,
    Duration connectTimeout, int maxMessageSize, Duration closeTimeout) {

  public UpstreamRequest {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(headers, "headers");
    subprotocols = List.copyOf(Objects.requireNonNull(subprotocols, "subprotocols"));
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    if (connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException("connectTimeout must be positive: " + connectTimeout);
    }
    Objects.requireNonNull(closeTimeout, "closeTimeout");
    if (closeTimeout.isNegative() || closeTimeout.isZero()) {
      throw new IllegalArgumentException("closeTimeout must be positive: " + closeTimeout);
    }
    if (maxMessageSize <= 0) {
      throw new IllegalArgumentException("maxMessageSize must be positive: " + maxMessageSize);
    }
  }
}
