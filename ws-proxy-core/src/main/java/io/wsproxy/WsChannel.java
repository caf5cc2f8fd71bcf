package io.wsproxy;

import java.nio.ByteBuffer;

/**
 * One open WebSocket connection as the core sees it, whichever transport carries it: the client's
 * connection to the host server, or the proxy's connection to an upstream.
 *
 * <p><b>Threading.</b> Every method is thread-safe and non-blocking: sends are queued by the transport
 * in call order. Events arrive through the {@link WsListener} the channel was created with.
 *
 * <p><b>Lifecycle.</b> {@link #close(int, String)} starts the closing handshake; the transport
 * reports the end with exactly one {@link WsListener#onClose} and cuts the TCP connection itself if
 * the peer never answers the close within its close timeout. {@link #abort()} cuts it at once. Sends
 * after close are ignored.
 */
public interface WsChannel {

  /** Sends a whole text message. */
  void sendText(String text);

  /** Sends a whole binary message; the buffer's remaining bytes are sent and it is not modified. */
  void sendBinary(ByteBuffer data);

  /** Sends a ping with up to 125 bytes of application data. */
  void sendPing(ByteBuffer data);

  /** Sends a pong with up to 125 bytes of application data. */
  void sendPong(ByteBuffer data);

  /**
   * Starts the closing handshake. Codes this transport cannot send are mapped with
   * {@link CloseCodes#forTransport}; the reason is cut to 123 UTF-8 bytes. Idempotent.
   */
  void close(int code, String reason);

  /** Drops the connection without a closing handshake. Idempotent. */
  void abort();

  /** Bytes handed to this channel and not yet written to the socket (a best estimate). */
  long queuedBytes();

  /** The negotiated subprotocol, or {@code null}. */
  String subprotocol();

  /** Whether this close code may be sent by this transport (see {@link CloseCodes#isSendable}). */
  default boolean canSendCloseCode(int code) {
    return CloseCodes.isSendable(code);
  }

  /**
   * Whether {@link #pauseReading()} really stops reading from the socket. Transports that cannot
   * pause (Java-WebSocket) answer {@code false}, and the bridge closes a side that outruns its peer.
   */
  default boolean canPauseReading() {
    return false;
  }

  /** Stops delivering messages to the listener until {@link #resumeReading()}; no-op if unsupported. */
  default void pauseReading() {}

  /** Resumes delivery after {@link #pauseReading()}. */
  default void resumeReading() {}
}
