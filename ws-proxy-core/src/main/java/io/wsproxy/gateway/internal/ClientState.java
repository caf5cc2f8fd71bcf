package io.wsproxy.gateway.internal;

import io.wsproxy.HandshakeDecision;
import io.wsproxy.Principal;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.gateway.ClientInfo;
import io.wsproxy.gateway.ErrorCodes;
import io.wsproxy.gateway.GatewayException;
import io.wsproxy.internal.ConnectionLimiter;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the gateway knows about one connected client. Thread-safe: read by other clients' threads
 * (broadcasts, presence) and the timer thread while the client's own transport thread updates it;
 * every mutable field is volatile, atomic or a concurrent collection. Room membership is changed
 * only under {@link Rooms}' lock.
 */
final class ClientState {

  /** Most metadata entries per client. */
  static final int MAX_METADATA_ENTRIES = io.wsproxy.gateway.Gateway.MAX_METADATA_ENTRIES;
  /** Longest metadata key, in characters. */
  static final int MAX_METADATA_KEY_CHARS = 64;
  /** Longest metadata value, in characters. */
  static final int MAX_METADATA_VALUE_CHARS = 1024;

  final String id;
  final WsChannel channel;
  final HandshakeDecision.Accept accept;
  final ConnectionLimiter.Permit permit;
  final Instant connectedAt;
  final TokenBucket bucket;
  final Set<String> sessions = ConcurrentHashMap.newKeySet();
  final AtomicBoolean closed = new AtomicBoolean();
  /** Found past its backlog bound: sent nothing more, and closed by the timer thread. */
  final AtomicBoolean slow = new AtomicBoolean();
  final AtomicInteger authFailures = new AtomicInteger();
  /** The calls answered later (a stage), until answered; cancelled when the client goes. */
  final Set<CallImpl<?>> inFlight = ConcurrentHashMap.newKeySet();
  /** The agent profile's conversation this connection talks in, or {@code null}. */
  volatile String activeConversation;
  private final Map<String, String> metadata = new ConcurrentHashMap<>();
  private volatile boolean authenticated;
  private volatile Principal principal;
  private volatile long lastSeenNanos;
  volatile ScheduledFuture<?> authDeadline;

  ClientState(String id, WsChannel channel, HandshakeDecision.Accept accept,
      ConnectionLimiter.Permit permit, boolean authenticated, TokenBucket bucket, long nowNanos) {
    this.id = id;
    this.channel = channel;
    this.accept = accept;
    this.permit = permit;
    this.principal = accept.principal();
    this.authenticated = authenticated;
    this.bucket = bucket;
    this.connectedAt = Instant.now();
    this.lastSeenNanos = nowNanos;
  }

  boolean authenticated() {
    return authenticated;
  }

  Principal principal() {
    return principal;
  }

  void authenticate(Principal who) {
    this.principal = who;
    this.authenticated = true;
    ScheduledFuture<?> deadline = authDeadline;
    if (deadline != null) {
      deadline.cancel(false);
    }
  }

  void touch(long nowNanos) {
    lastSeenNanos = nowNanos;
  }

  long lastSeenNanos() {
    return lastSeenNanos;
  }

  /** Sets or (value {@code null}) removes one entry; a {@link GatewayException} past the bounds. */
  void putMetadata(String key, String value) {
    checkMetadata(key, value);
    if (value == null) {
      metadata.remove(key);
      return;
    }
    if (!metadata.containsKey(key) && metadata.size() >= MAX_METADATA_ENTRIES) {
      throw new GatewayException(ErrorCodes.INVALID_PARAMS,
          "at most " + MAX_METADATA_ENTRIES + " metadata entries");
    }
    metadata.put(key, value);
  }

  /** Refuses a metadata key or value (which may be {@code null}) past the bounds. */
  static void checkMetadata(String key, String value) {
    if (key == null || key.isEmpty() || key.length() > MAX_METADATA_KEY_CHARS) {
      throw new GatewayException(ErrorCodes.INVALID_PARAMS,
          "metadata keys must have 1 to " + MAX_METADATA_KEY_CHARS + " characters");
    }
    if (value != null && value.length() > MAX_METADATA_VALUE_CHARS) {
      throw new GatewayException(ErrorCodes.INVALID_PARAMS,
          "metadata values must have at most " + MAX_METADATA_VALUE_CHARS + " characters");
    }
  }

  ClientInfo info(long nowNanos) {
    Instant lastActivity = Instant.now().minus(Duration.ofNanos(Math.max(0, nowNanos - lastSeenNanos)));
    return new ClientInfo(id, authenticated, principal, accept.clientAddress(), sessions,
        connectedAt, lastActivity, metadata);
  }
}
