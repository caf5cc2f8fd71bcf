package io.wsproxy.spi;

import io.wsproxy.Headers;
import io.wsproxy.Limits;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What an {@link UpstreamConnector} dials. Immutable; build with {@link #builder(URI)}.
 *
 * <p><b>Subprotocols.</b> {@link #subprotocols()} is the offer to make upstream, in the client's order
 * (the client's whole offer when proxying connect-first, minus credential-carrying entries). The
 * connector fails with {@link UpstreamConnectException.Kind#INVALID_HANDSHAKE} when the upstream
 * selects one that was not offered, or an extension (none is ever offered).
 *
 * <p><b>Affinity.</b> {@link #affinity()} is an opaque hint from the server transport that accepted
 * the client: for Netty, the client channel's event loop. A connector of the same kind may run the
 * upstream connection there, so that a relayed message crosses no thread; any other connector
 * ignores it. {@code null} when there is none.
 */
public final class UpstreamRequest {

  private final URI uri;
  private final Headers headers;
  private final List<String> subprotocols;
  private final Duration connectTimeout;
  private final Duration closeTimeout;
  private final int maxFrameSize;
  private final int maxMessageSize;
  private final Object affinity;

  private UpstreamRequest(Builder b) {
    this.uri = b.uri;
    this.headers = b.headers;
    this.subprotocols = b.subprotocols;
    this.connectTimeout = b.connectTimeout;
    this.closeTimeout = b.closeTimeout;
    this.maxFrameSize = b.maxFrameSize;
    this.maxMessageSize = b.maxMessageSize;
    this.affinity = b.affinity;
  }

  /** A builder dialling {@code uri} ({@code ws://} or {@code wss://}) with the default limits. */
  public static Builder builder(URI uri) {
    return new Builder(uri);
  }

  /** The {@code ws://} or {@code wss://} URI to dial, with path and query. */
  public URI uri() {
    return uri;
  }

  /** Headers to send in the upgrade request (forwarding headers included). */
  public Headers headers() {
    return headers;
  }

  /** Subprotocols to offer, in order; empty to offer none. */
  public List<String> subprotocols() {
    return subprotocols;
  }

  /** How long the TCP connect plus the upgrade may take. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** How long the upstream has to answer our close frame before the connector cuts it. */
  public Duration closeTimeout() {
    return closeTimeout;
  }

  /** Largest frame payload accepted from the upstream, in bytes (larger: close 1009). */
  public int maxFrameSize() {
    return maxFrameSize;
  }

  /** Largest message (fragments joined) accepted from the upstream, in bytes (larger: close 1009). */
  public int maxMessageSize() {
    return maxMessageSize;
  }

  /** The server transport's affinity hint (see the class comment), or {@code null}. */
  public Object affinity() {
    return affinity;
  }

  @Override
  public String toString() {
    return "UpstreamRequest[" + uri + ", subprotocols=" + subprotocols + "]";
  }

  /** Builds an {@link UpstreamRequest}. Not thread-safe; setters validate and name the field. */
  public static final class Builder {
    private final URI uri;
    private Headers headers = Headers.EMPTY;
    private List<String> subprotocols = List.of();
    private Duration connectTimeout = Limits.DEFAULT_CONNECT_TIMEOUT;
    private Duration closeTimeout = Limits.DEFAULT_CLOSE_TIMEOUT;
    private int maxFrameSize = Limits.DEFAULT_MAX_FRAME_SIZE;
    private int maxMessageSize = Limits.DEFAULT_MAX_MESSAGE_SIZE;
    private Object affinity;

    private Builder(URI uri) {
      Objects.requireNonNull(uri, "uri");
      String scheme = uri.getScheme();
      if (!"ws".equalsIgnoreCase(scheme) && !"wss".equalsIgnoreCase(scheme)) {
        throw new IllegalArgumentException("uri must be ws:// or wss://: " + uri);
      }
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("uri has no host: " + uri);
      }
      this.uri = uri;
    }

    public Builder headers(Headers headers) {
      this.headers = Objects.requireNonNull(headers, "headers");
      return this;
    }

    public Builder subprotocols(List<String> offer) {
      this.subprotocols = List.copyOf(Objects.requireNonNull(offer, "subprotocols"));
      return this;
    }

    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    public Builder closeTimeout(Duration timeout) {
      this.closeTimeout = positive(timeout, "closeTimeout");
      return this;
    }

    public Builder maxFrameSize(int bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("maxFrameSize must be positive: " + bytes);
      }
      this.maxFrameSize = bytes;
      return this;
    }

    public Builder maxMessageSize(int bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("maxMessageSize must be positive: " + bytes);
      }
      this.maxMessageSize = bytes;
      return this;
    }

    /** Sets the affinity hint; {@code null} for none. */
    public Builder affinity(Object affinity) {
      this.affinity = affinity;
      return this;
    }

    public UpstreamRequest build() {
      return new UpstreamRequest(this);
    }

    private static Duration positive(Duration d, String field) {
      Objects.requireNonNull(d, field);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(field + " must be positive: " + d);
      }
      return d;
    }
  }
}
