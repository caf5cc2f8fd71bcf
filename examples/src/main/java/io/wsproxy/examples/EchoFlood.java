package io.wsproxy.examples;

import io.wsproxy.examples.bench.FloodPattern;
import io.wsproxy.spi.Text;
import io.wsproxy.spi.WsChannel;
import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * One connection's flood for {@code echo --flood}: a text message {@code flood <bytes>} is answered
 * with that many bytes of {@link FloodPattern} as binary messages of 64 KiB, sent only while the
 * channel is writable and resumed on {@code onWritable}, so the backend never holds more than the
 * transport's high-water mark plus one message however large the flood (the bench asks for 256 MiB
 * toward a client that does not read). A second request while one runs adds to it; the pattern
 * continues where it was.
 *
 * <p>Thread-safe: a transport calls the listener one event at a time but possibly from different
 * threads, so the counters are guarded by this object's lock. The lock is held across the sends,
 * which are the transport's own non-blocking calls, never user code.
 */
final class EchoFlood {

  /** The request's first word. */
  static final String COMMAND = "flood";
  /** Largest flood one request may ask for: 4 GiB. */
  static final long MAX_BYTES = 4L << 30;
  /** A request is short; a longer text is never one, and is not parsed. */
  private static final int MAX_REQUEST_CHARS = 32;

  private long sent; // guarded by this
  private long end; // guarded by this

  /**
   * The byte count of a flood request ({@code "flood 268435456"}), or -1 when {@code text} is not
   * one (a plain message to echo, or a count that is not a decimal number in 1..{@link #MAX_BYTES}).
   */
  static long requestedBytes(Text text) {
    if (text.sizeEstimate() > 3L * MAX_REQUEST_CHARS) {
      return -1;
    }
    return requestedBytes(text.asString());
  }

  static long requestedBytes(String text) {
    String prefix = COMMAND + " ";
    if (text.length() > MAX_REQUEST_CHARS || !text.toLowerCase(Locale.ROOT).startsWith(prefix)) {
      return -1;
    }
    String count = text.substring(prefix.length());
    if (!count.matches("[0-9]{1,10}")) {
      return -1;
    }
    long bytes = Long.parseLong(count);
    return bytes >= 1 && bytes <= MAX_BYTES ? bytes : -1;
  }

  /** Adds {@code bytes} to the flood and sends what the channel takes now. */
  synchronized void request(WsChannel channel, long bytes) {
    end += bytes;
    pump(channel);
  }

  /**
   * Sends flood messages while the flood is not done and the channel is writable (when it stops
   * being writable, {@code onWritable} calls this again). Writability is asked before every send
   * rather than taken from the previous send's answer: a channel may drain in between, and an
   * {@code onWritable} may come when it is already full again.
   */
  synchronized void pump(WsChannel channel) {
    while (sent < end && channel.isWritable()) {
      int n = (int) Math.min(FloodPattern.MESSAGE_BYTES, end - sent);
      ByteBuffer message = FloodPattern.message(sent, n);
      sent += n;
      channel.sendBinary(message); // its answer is isWritable(), asked again above
    }
  }

  /** Drops what is left of the flood (the connection closed). */
  synchronized void stop() {
    end = sent;
  }
}
