package io.wsproxy;

import static io.wsproxy.internal.Checks.notNegative;
import static io.wsproxy.internal.Checks.positive;

import java.time.Duration;

/**
 * Every size limit and timeout of a proxy or gateway, each with a finite, named default.
 * Immutable; build with {@link #builder()} or {@link #toBuilder()}.
 *
 * <p>Java-WebSocket's own frame limit is unbounded (one forged frame header could exhaust the heap);
 * the adapters always apply {@link #maxFrameSize()}.
 */
public final class Limits {

  public static final int KIB = 1024;
  public static final int MIB = 1024 * KIB;

  /** Largest frame payload accepted from a client or upstream: 4 MiB. */
  public static final int DEFAULT_MAX_FRAME_SIZE = 4 * MIB;
  /** Largest message (fragments joined) accepted, each direction: 4 MiB. */
  public static final int DEFAULT_MAX_MESSAGE_SIZE = 4 * MIB;
  /** Outbound bytes queued toward one side before the bridge pushes back: 16 MiB. */
  public static final long DEFAULT_MAX_QUEUED_BYTES = 16L * MIB;
  /**
   * Bytes of early messages held for one connection (accept-first: the client's while the upstream
   * connects; connect-first: the upstream's until the client's 101 is written): 4 MiB. Each message
   * counts its payload plus {@value #EARLY_MESSAGE_OVERHEAD} bytes, so 5,000 small messages fit and
   * a flood of empty ones does not.
   */
  public static final long DEFAULT_EARLY_BYTES = 4L * MIB;
  /** What one held early message costs beyond its payload, in bytes: 64. */
  public static final int EARLY_MESSAGE_OVERHEAD = 64;
  /** Total size of the upgrade request's header fields: 16 KiB. */
  public static final int DEFAULT_MAX_HANDSHAKE_HEADER_BYTES = 16 * KIB;
  /** Number of header fields in the upgrade request: 100. */
  public static final int DEFAULT_MAX_HANDSHAKE_HEADERS = 100;
  /** Time for the whole handshake pipeline, auth included: 10 s. */
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
  /** Time to connect to and upgrade with the upstream: 10 s. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  /** A connection with no message either way for this long is closed with 1001: 10 min. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);
  /**
   * A side of a proxied connection that sent nothing for this long is pinged; one that still sends
   * nothing (not even the pong) for another interval is frozen and both sides are closed: 30 s.
   */
  public static final Duration DEFAULT_KEEPALIVE_INTERVAL = Duration.ofSeconds(30);
  /** Time a peer has to answer our close frame before its TCP connection is cut: 5 s. */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);
  /** Open client connections per proxy: 10,000. */
  public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
  /**
   * Open client connections per client address (after trusted proxies): 0, meaning no cap. Behind a
   * load balancer or a NAT every client shares one address, so a cap there must be set knowingly.
   */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 0;
  /** Upgrade requests being decided at once (auth, upstream dial) per endpoint: 1,024. */
  public static final int DEFAULT_MAX_PENDING_HANDSHAKES = 1024;

  /** The defaults. */
  public static final Limits DEFAULTS = builder().build();

  private final int maxFrameSize;
  private final int maxMessageSize;
  private final long maxQueuedBytes;
  private final long earlyBytes;
  private final int maxHandshakeHeaderBytes;
  private final int maxHandshakeHeaders;
  private final Duration handshakeTimeout;
  private final Duration connectTimeout;
  private final Duration idleTimeout;
  private final Duration keepaliveInterval;
  private final Duration closeTimeout;
  private final int maxConnections;
  private final int maxConnectionsPerAddress;
  private final int maxPendingHandshakes;

  private Limits(Builder b) {
    this.maxFrameSize = b.maxFrameSize;
    this.maxMessageSize = b.maxMessageSize;
    this.maxQueuedBytes = b.maxQueuedBytes;
    this.earlyBytes = b.earlyBytes;
    this.maxHandshakeHeaderBytes = b.maxHandshakeHeaderBytes;
    this.maxHandshakeHeaders = b.maxHandshakeHeaders;
    this.handshakeTimeout = b.handshakeTimeout;
    this.connectTimeout = b.connectTimeout;
    this.idleTimeout = b.idleTimeout;
    this.keepaliveInterval = b.keepaliveInterval;
    this.closeTimeout = b.closeTimeout;
    this.maxConnections = b.maxConnections;
    this.maxConnectionsPerAddress = b.maxConnectionsPerAddress;
    this.maxPendingHandshakes = b.maxPendingHandshakes;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .maxFrameSize(maxFrameSize).maxMessageSize(maxMessageSize).maxQueuedBytes(maxQueuedBytes)
        .earlyBytes(earlyBytes)
        .maxHandshakeHeaderBytes(maxHandshakeHeaderBytes).maxHandshakeHeaders(maxHandshakeHeaders)
        .handshakeTimeout(handshakeTimeout).connectTimeout(connectTimeout)
        .idleTimeout(idleTimeout).keepaliveInterval(keepaliveInterval).closeTimeout(closeTimeout)
        .maxConnections(maxConnections).maxConnectionsPerAddress(maxConnectionsPerAddress)
        .maxPendingHandshakes(maxPendingHandshakes);
  }

  /** Largest frame payload, in bytes; larger frames close the sender with 1009. */
  public int maxFrameSize() { return maxFrameSize; }

  /** Largest whole message, in bytes; larger messages close the sender with 1009. */
  public int maxMessageSize() { return maxMessageSize; }

  /** High-water mark of bytes queued toward one side; the bridge resumes reading below half of it. */
  public long maxQueuedBytes() { return maxQueuedBytes; }


  /** Most client bytes held while the upstream connects. */
  public long earlyBytes() { return earlyBytes; }

  /** Largest total size of the upgrade request's header names and values, in bytes. */
  public int maxHandshakeHeaderBytes() { return maxHandshakeHeaderBytes; }

  /** Most header fields in an upgrade request. */
  public int maxHandshakeHeaders() { return maxHandshakeHeaders; }

  /** Longest the handshake pipeline (origin, auth, routing) may take. */
  public Duration handshakeTimeout() { return handshakeTimeout; }

  /** Longest an upstream connect plus upgrade may take; early client frames wait at most this. */
  public Duration connectTimeout() { return connectTimeout; }

  /** Longest a connection may carry no message either way; {@link Duration#ZERO} disables it. */
  public Duration idleTimeout() { return idleTimeout; }

  /**
   * Keepalive ping interval on both legs of a proxied connection; {@link Duration#ZERO} when off.
   * A leg silent (no message, no pong) for one interval is pinged; one still silent is cut within
   * two intervals of its last sign of life. A frozen client is cut and its upstream closed with 1001; a frozen upstream is cut and its
   * client closed with the proxy's upstream-failure code.
   */
  public Duration keepaliveInterval() { return keepaliveInterval; }

  /** Longest a side may take to answer a close frame before its connection is cut. */
  public Duration closeTimeout() { return closeTimeout; }

  /** Most open client connections. */
  public int maxConnections() { return maxConnections; }

  /** Most open client connections from one client address. */
  public int maxConnectionsPerAddress() { return maxConnectionsPerAddress; }

  /** Upgrade requests being decided at once; over it a new one gets 503. */
  public int maxPendingHandshakes() { return maxPendingHandshakes; }

  @Override
  public String toString() {
    return "Limits{maxFrameSize=" + maxFrameSize + ", maxMessageSize=" + maxMessageSize
        + ", maxQueuedBytes=" + maxQueuedBytes
        + ", earlyBytes=" + earlyBytes + ", maxHandshakeHeaderBytes=" + maxHandshakeHeaderBytes
        + ", maxHandshakeHeaders=" + maxHandshakeHeaders + ", handshakeTimeout=" + handshakeTimeout
        + ", connectTimeout=" + connectTimeout + ", idleTimeout=" + idleTimeout
        + ", keepaliveInterval=" + keepaliveInterval
        + ", closeTimeout=" + closeTimeout + ", maxConnections=" + maxConnections
        + ", maxConnectionsPerAddress=" + maxConnectionsPerAddress
        + ", maxPendingHandshakes=" + maxPendingHandshakes + "}";
  }

  /** Builds {@link Limits}; every setter validates its argument and names the field. */
  public static final class Builder {
    private int maxFrameSize = DEFAULT_MAX_FRAME_SIZE;
    private int maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
    private long maxQueuedBytes = DEFAULT_MAX_QUEUED_BYTES;
    private long earlyBytes = DEFAULT_EARLY_BYTES;
    private int maxHandshakeHeaderBytes = DEFAULT_MAX_HANDSHAKE_HEADER_BYTES;
    private int maxHandshakeHeaders = DEFAULT_MAX_HANDSHAKE_HEADERS;
    private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private Duration keepaliveInterval = DEFAULT_KEEPALIVE_INTERVAL;
    private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private int maxConnectionsPerAddress = DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
    private int maxPendingHandshakes = DEFAULT_MAX_PENDING_HANDSHAKES;

    private Builder() {}

    public Builder maxFrameSize(int bytes) {
      this.maxFrameSize = positive("maxFrameSize", bytes);
      return this;
    }

    public Builder maxMessageSize(int bytes) {
      this.maxMessageSize = positive("maxMessageSize", bytes);
      return this;
    }

    public Builder maxQueuedBytes(long bytes) {
      this.maxQueuedBytes = positive("maxQueuedBytes", bytes);
      return this;
    }

    public Builder earlyBytes(long bytes) {
      this.earlyBytes = positive("earlyBytes", bytes);
      return this;
    }

    public Builder maxHandshakeHeaderBytes(int bytes) {
      this.maxHandshakeHeaderBytes = positive("maxHandshakeHeaderBytes", bytes);
      return this;
    }

    public Builder maxHandshakeHeaders(int count) {
      this.maxHandshakeHeaders = positive("maxHandshakeHeaders", count);
      return this;
    }

    public Builder handshakeTimeout(Duration timeout) {
      this.handshakeTimeout = positive("handshakeTimeout", timeout);
      return this;
    }

    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive("connectTimeout", timeout);
      return this;
    }

    /** {@link Duration#ZERO} disables the idle timeout. */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = notNegative("idleTimeout", timeout);
      return this;
    }

    /** {@link Duration#ZERO} disables the keepalive pings. */
    public Builder keepaliveInterval(Duration interval) {
      this.keepaliveInterval = notNegative("keepaliveInterval", interval);
      return this;
    }

    public Builder closeTimeout(Duration timeout) {
      this.closeTimeout = positive("closeTimeout", timeout);
      return this;
    }

    public Builder maxConnections(int count) {
      this.maxConnections = positive("maxConnections", count);
      return this;
    }

    /** 0 (the default) disables the per-address cap. */
    public Builder maxConnectionsPerAddress(int count) {
      this.maxConnectionsPerAddress = notNegative("maxConnectionsPerAddress", count);
      return this;
    }

    public Builder maxPendingHandshakes(int count) {
      this.maxPendingHandshakes = positive("maxPendingHandshakes", count);
      return this;
    }

    public Limits build() {
      if (maxMessageSize < maxFrameSize) {
        throw new IllegalArgumentException("maxMessageSize (" + maxMessageSize
            + ") must be at least maxFrameSize (" + maxFrameSize + ")");
      }
      return new Limits(this);
    }
  }
}
