package io.wsproxy.spi;

import io.wsproxy.CloseCodes;
import java.nio.ByteBuffer;

/**
 * One open WebSocket connection as the core sees it, whichever transport carries it: the client's
 * connection to the host server, or the proxy's connection to an upstream. Transports implement it;
 * the core (the proxy's bridge, the gateway) uses it.
 *
 * <p><b>Threading.</b> Every method is thread-safe and non-blocking: sends are queued by the transport
 * in call order. Events arrive through the {@link WsListener} the channel was created with.
 *
 * <p><b>Back-pressure.</b> A send answers whether the channel can take more: {@code false} means its
 * outbound queue passed the transport's high-water mark; the caller should stop sending (pause its
 * source) until {@link WsListener#onWritable} says the queue drained. Sends made meanwhile are still
 * queued, never dropped: the answer is advice, and a caller that ignores it grows the queue.
 *
 * <p><b>Buffers.</b> A buffer handed to a send belongs to the channel from then on: the caller must
 * not change it. This lets a transport write it without copying.
 *
 * <p><b>Lifecycle.</b> {@link #close(int, String)} starts the closing handshake; the transport
 * reports the end with exactly one {@link WsListener#onClose} and cuts the TCP connection itself if
 * the peer never answers the close within its close timeout. {@link #abort()} cuts it at once. Sends
 * after close are ignored (and answer {@code false}).
 */
public interface WsChannel {

  /** Sends a whole text message; answers whether the channel is still writable. */
  boolean sendText(Text text);

  /**
   * Sends a whole binary message (the buffer's remaining bytes; the buffer is taken over); answers
   * whether the channel is still writable.
   */
  boolean sendBinary(ByteBuffer data);

  /** Sends a ping with up to 125 bytes of application data. */
  void sendPing(ByteBuffer data);

  /** Sends a pong with up to 125 bytes of application data. */
  void sendPong(ByteBuffer data);

  /**
   * Starts the closing handshake with {@code code}, which the caller has already mapped to one this
   * channel {@linkplain #canSendCloseCode can send} ({@link CloseCodes#forTransport} does); the
   * reason is cut to 123 UTF-8 bytes. Idempotent: only the first call counts.
   */
  void close(int code, String reason);

  /** Drops the connection without a closing handshake. Idempotent. */
  void abort();

  /** Whether the outbound queue is below the high-water mark (see the class comment). */
  boolean isWritable();

  /** Bytes handed to this channel and not yet written to the socket (a best estimate). */
  long queuedBytes();

  /** The negotiated subprotocol, or {@code null}. */
  String subprotocol();

  /**
   * Whether this channel reports {@link WsListener#onClose} by itself within its close timeout (the
   * one the endpoint's limits gave it) once it is closing: after {@link #close}, after answering its
   * peer's close, and after {@link #abort}, even when the peer never answers or never closes TCP.
   * The core cuts a proxied connection whose sides have not both ended twice the close timeout after
   * it started closing unless both sides answer {@code true}; {@code false} by default. Thread-safe,
   * and constant for the channel's life.
   */
  default boolean endsWithinCloseTimeout() {
    return false;
  }

  /**
   * Whether this close code may be sent by this transport. Every code {@link CloseCodes#isSendable}
   * by default; a transport that refuses some (the JDK client sends only 1000, 1001, 1008, 1011 and
   * 3000–4999) answers for itself, and the core maps codes with {@link CloseCodes#forTransport}.
   */
  default boolean canSendCloseCode(int code) {
    return CloseCodes.isSendable(code);
  }

  /**
   * Whether {@link #pauseReading()} really stops reading from the socket. A transport that cannot
   * pause answers {@code false}, and the core closes a side that outruns its peer instead.
   */
  default boolean canPauseReading() {
    return false;
  }

  /**
   * Stops reading from the socket (and so delivering messages) until {@link #resumeReading()}; no-op
   * if unsupported. Pauses do not nest: one resume undoes any number of pauses.
   */
  default void pauseReading() {}

  /** Resumes reading after {@link #pauseReading()}. */
  default void resumeReading() {}
}
