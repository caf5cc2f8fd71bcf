package io.wsproxy.spi;

import io.wsproxy.CloseCodes;
import java.nio.ByteBuffer;

/**
 * Events from one {@link WsChannel}. Every method has a no-op default.
 *
 * <p><b>Threading.</b> A transport calls one listener from one thread at a time, in the order the
 * events happened on the wire; it may be a different thread from call to call. Implementations must
 * not block: they run on the transport's I/O threads.
 *
 * <p><b>Buffers</b> passed to {@link #onBinary}, {@link #onPing} and {@link #onPong}, and the bytes of
 * a {@link Text}, belong to the listener: transports hand over what they will not touch again.
 */
public interface WsListener {

  /** The channel is open; called once, before any other event. */
  default void onOpen(WsChannel channel) {}

  /** A whole text message (fragments joined, valid UTF-8, at most the configured message size). */
  default void onText(WsChannel channel, Text text) {}

  /** A whole binary message. */
  default void onBinary(WsChannel channel, ByteBuffer data) {}

  /** A ping; transports answer pings themselves, this is for observation. */
  default void onPing(WsChannel channel, ByteBuffer data) {}

  /** A pong. */
  default void onPong(WsChannel channel, ByteBuffer data) {}

  /**
   * The channel's outbound queue drained below its low-water mark after a send answered
   * {@code false}; sending may go on. Called at most once per such send, never before it.
   */
  default void onWritable(WsChannel channel) {}

  /**
   * The channel is closed, or the peer started closing it; called exactly once, last.
   *
   * @param code   the peer's close code; {@link CloseCodes#NO_STATUS} (1005) when its close frame had
   *               none, {@link CloseCodes#ABNORMAL} (1006) when the connection dropped without one
   * @param reason the peer's reason, or empty
   * @param remote whether the peer started the close
   */
  default void onClose(WsChannel channel, int code, String reason, boolean remote) {}

  /** A transport error; an {@link #onClose} follows. */
  default void onError(WsChannel channel, Throwable error) {}
}
