package io.wsproxy;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One client's WebSocket upgrade request, as a transport adapter saw it. Immutable and thread-safe.
 *
 * <p>The path is the raw request path as sent on the wire (still percent-encoded, always starting with
 * {@code /}); the query is the raw query without the {@code ?}, or {@code null} when there was none.
 * The offered subprotocols are parsed from every {@code Sec-WebSocket-Protocol} header, in order.
 *
 * <p>Build one with {@link #builder()}; transport adapters do this, tests and custom hosts may too.
 */
public final class HandshakeRequest {

  private final String path;
  private final String rawQuery;
  private final Headers headers;
  private final InetSocketAddress remoteAddress;
  private final boolean secure;
  private final List<String> subprotocols;

  private HandshakeRequest(Builder b) {
    this.path = b.path;
    this.rawQuery = b.rawQuery;
    this.headers = b.headers;
    this.remoteAddress = b.remoteAddress;
    this.secure = b.secure;
    this.subprotocols = parseSubprotocols(b.headers);
  }

  /** A builder; {@code path} and {@code remoteAddress} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this request's values. */
  public Builder toBuilder() {
    return new Builder().path(path).rawQuery(rawQuery).headers(headers)
        .remoteAddress(remoteAddress).secure(secure);
  }

  /** The raw, percent-encoded path, starting with {@code /}. */
  public String path() {
    return path;
  }

  /** The raw query without {@code ?}, or {@code null} when the request had none. */
  public String rawQuery() {
    return rawQuery;
  }

  /** The request's header fields, exactly as received (before forwarded-header normalisation). */
  public Headers headers() {
    return headers;
  }

  /** The first value of a header, if present. */
  public Optional<String> header(String name) {
    return headers.first(name);
  }

  /** The TCP peer: the client, or the last proxy in front of us. */
  public InetSocketAddress remoteAddress() {
    return remoteAddress;
  }

  /** Whether the client connection is TLS ({@code wss}). */
  public boolean secure() {
    return secure;
  }

  /** The subprotocols the client offered, in its order of preference; empty if none. */
  public List<String> subprotocols() {
    return subprotocols;
  }

  /** The path plus {@code ?query} when there is one: the request target as sent. */
  public String pathAndQuery() {
    return rawQuery == null ? path : path + "?" + rawQuery;
  }

  private static List<String> parseSubprotocols(Headers headers) {
    List<String> out = new ArrayList<>();
    for (String value : headers.all("Sec-WebSocket-Protocol")) {
      for (String p : value.split(",")) {
        String t = p.trim();
        if (!t.isEmpty()) {
          out.add(t);
        }
      }
    }
    return List.copyOf(out);
  }

  /** Only the path and peer: header values may carry credentials. */
  @Override
  public String toString() {
    return "HandshakeRequest{path=" + path + ", remote=" + remoteAddress + ", secure=" + secure + "}";
  }

  /** Builds a {@link HandshakeRequest}; not thread-safe. */
  public static final class Builder {
    private String path;
    private String rawQuery;
    private Headers headers = Headers.EMPTY;
    private InetSocketAddress remoteAddress;
    private boolean secure;

    private Builder() {}

    /** The raw request path; must start with {@code /}. */
    public Builder path(String path) {
      Objects.requireNonNull(path, "path");
      if (!path.startsWith("/")) {
        throw new IllegalArgumentException("path must start with '/': " + path);
      }
      this.path = path;
      return this;
    }

    /** The raw query without {@code ?}, or {@code null} for none. */
    public Builder rawQuery(String rawQuery) {
      this.rawQuery = rawQuery;
      return this;
    }

    /**
     * Sets path and query from a request target such as {@code /a/b?x=1} (what Java-WebSocket calls
     * the resource descriptor).
     */
    public Builder target(String requestTarget) {
      Objects.requireNonNull(requestTarget, "requestTarget");
      int q = requestTarget.indexOf('?');
      path(q < 0 ? requestTarget : requestTarget.substring(0, q));
      return rawQuery(q < 0 ? null : requestTarget.substring(q + 1));
    }

    public Builder headers(Headers headers) {
      this.headers = Objects.requireNonNull(headers, "headers");
      return this;
    }

    public Builder remoteAddress(InetSocketAddress remoteAddress) {
      this.remoteAddress = Objects.requireNonNull(remoteAddress, "remoteAddress");
      return this;
    }

    public Builder secure(boolean secure) {
      this.secure = secure;
      return this;
    }

    public HandshakeRequest build() {
      if (path == null) {
        throw new IllegalStateException("path is required");
      }
      if (remoteAddress == null) {
        throw new IllegalStateException("remoteAddress is required");
      }
      return new HandshakeRequest(this);
    }
  }
}
