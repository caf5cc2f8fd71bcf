package io.wsproxy.spi;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One whole text message, held as a {@code String}, as its UTF-8 bytes, or both. A transport that
 * reads bytes hands them over as they are ({@link #ofValidUtf8}) and one that writes bytes asks for
 * {@link #utf8()}, so a message relayed between two such transports is never decoded or re-encoded;
 * a transport that works with strings uses {@link #asString()} and pays one conversion, once.
 *
 * <p><b>Validation.</b> {@link #ofValidUtf8} trusts its caller: the receiving transport validates the
 * bytes once (RFC 6455 section 8.1: invalid UTF-8 closes the connection with 1007) and no later hop
 * validates them again.
 *
 * <p><b>Threading.</b> Immutable in meaning; the conversions are cached without locking, so a message
 * is handed from thread to thread (through the transports' own queues), never read by two threads at
 * once while it is first converted.
 */
public final class Text {

  private String string;
  private ByteBuffer utf8; // position 0, never handed out itself (duplicates only)

  private Text(String string, ByteBuffer utf8) {
    this.string = string;
    this.utf8 = utf8;
  }

  /** A message holding {@code text}. */
  public static Text of(String text) {
    return new Text(Objects.requireNonNull(text, "text"), null);
  }

  /**
   * A message holding {@code bytes}' remaining bytes, which the caller has validated as UTF-8. The
   * buffer is taken over: the caller must not change it afterwards.
   */
  public static Text ofValidUtf8(ByteBuffer bytes) {
    Objects.requireNonNull(bytes, "bytes");
    return new Text(null, bytes.slice());
  }

  /** The message as a string (decoded once from its bytes if it arrived as bytes). */
  public String asString() {
    String s = string;
    if (s == null) {
      s = StandardCharsets.UTF_8.decode(utf8.duplicate()).toString();
      string = s;
    }
    return s;
  }

  /**
   * The message's UTF-8 bytes as a new read-only view (encoded once if it arrived as a string). The
   * view's position and limit belong to the caller.
   */
  public ByteBuffer utf8() {
    ByteBuffer b = utf8;
    if (b == null) {
      b = ByteBuffer.wrap(string.getBytes(StandardCharsets.UTF_8));
      utf8 = b;
    }
    return b.asReadOnlyBuffer();
  }

  /** Whether the bytes are at hand without encoding. */
  public boolean hasUtf8() {
    return utf8 != null;
  }

  /** Whether the string is at hand without decoding. */
  public boolean hasString() {
    return string != null;
  }

  /**
   * The message's size in bytes for accounting (buffers, limits, metrics): its UTF-8 length when the
   * bytes are at hand, else an upper bound that costs nothing to compute (3 bytes per char).
   */
  public long sizeEstimate() {
    ByteBuffer b = utf8;
    return b != null ? b.remaining() : 3L * string.length();
  }

  /** The message as a string; for logs and tests. */
  @Override
  public String toString() {
    return asString();
  }

  /** Two messages are equal when they hold the same characters. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Text t && asString().equals(t.asString());
  }

  @Override
  public int hashCode() {
    return asString().hashCode();
  }
}
