package io.wsproxy.netty.internal;

import io.netty.buffer.ByteBuf;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * RFC 6455 masking (section 5.3), eight bytes at a time, for the two places the Netty transport
 * touches payload bytes: {@link FrameWriter} (masking what goes upstream, while it copies) and
 * {@link FrameDecoder} (unmasking what a client sent). Masking and unmasking are the same XOR. The key
 * is an {@code int} whose high byte masks the first payload byte (the key as written, big-endian);
 * a payload that starts {@code k} bytes into the key takes {@link #keyAt the key rotated} by it.
 *
 * <p><b>Threading.</b> Stateless.
 */
final class Masking {

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private Masking() {}

  /** The key for a payload that starts {@code offset} (0..3) bytes into {@code key}. */
  static int keyAt(int key, int offset) {
    return offset == 0 ? key : Integer.rotateLeft(key, 8 * offset);
  }

  /**
   * XORs {@code buf[from, from + length)} with {@code key} in place: through the buffer's internal
   * view of its memory when it is one region, else through the buffer's own accessors.
   */
  static void xor(ByteBuf buf, int from, int length, int key) {
    if (buf.nioBufferCount() != 1) { // not one region of memory: a view would be a copy
      for (int i = 0; i < length; i++) {
        buf.setByte(from + i, buf.getByte(from + i) ^ keyByte(key, i));
      }
      return;
    }
    // a view of the buffer's memory (big-endian), positioned at buf[from]; cached by unpooled
    // buffers, a fresh slice from Netty's pooled ones (as nioBuffer)
    ByteBuffer view = buf.internalNioBuffer(from, length);
    int at = view.position();
    long wide = wide(key);
    int i = 0;
    for (int end = length - 7; i < end; i += 8) {
      view.putLong(at + i, view.getLong(at + i) ^ wide);
    }
    for (; i < length; i++) {
      view.put(at + i, (byte) (view.get(at + i) ^ keyByte(key, i)));
    }
  }

  /** XORs {@code a[from, from + length)} with {@code key} in place, eight bytes at a time. */
  static void xor(byte[] a, int from, int length, int key) {
    long wide = wide(key);
    int i = 0;
    for (int end = length - 7; i < end; i += 8) {
      LONGS.set(a, from + i, (long) LONGS.get(a, from + i) ^ wide);
    }
    for (; i < length; i++) {
      a[from + i] ^= (byte) keyByte(key, i);
    }
  }

  /**
   * Writes {@code src[from, from + length)} XORed with {@code key} into {@code dst} from its
   * position on (one pass: masking while copying); {@code dst}'s position and limit are not moved.
   * The array form of {@link #xorInto(ByteBuffer, ByteBuffer, int, int)}, for a relayed binary
   * message: read through a {@code VarHandle}, not a heap buffer's checked {@code getLong}.
   */
  static void xorInto(byte[] src, int from, ByteBuffer dst, int length, int key) {
    long wide = wide(key);
    int at = dst.position();
    int i = 0;
    for (int end = length - 7; i < end; i += 8) {
      dst.putLong(at + i, (long) LONGS.get(src, from + i) ^ wide);
    }
    for (; i < length; i++) {
      dst.put(at + i, (byte) (src[from + i] ^ keyByte(key, i)));
    }
  }

  /**
   * Writes {@code src}'s bytes from its position on XORed with {@code key} into {@code dst} from its
   * position on, {@code length} of them (one pass: masking while copying, by absolute indexes: the
   * positions and limits of both are not moved). {@code src} may be heap, direct or read-only.
   */
  static void xorInto(ByteBuffer src, ByteBuffer dst, int length, int key) {
    if (src.order() != ByteOrder.BIG_ENDIAN) { // the key's wide form is big-endian
      src = src.duplicate(); // big-endian, as every new view
    }
    long wide = wide(key);
    int from = src.position();
    int at = dst.position();
    int i = 0;
    for (int end = length - 7; i < end; i += 8) {
      dst.putLong(at + i, src.getLong(from + i) ^ wide);
    }
    for (; i < length; i++) {
      dst.put(at + i, (byte) (src.get(from + i) ^ keyByte(key, i)));
    }
  }

  /**
   * Writes {@code src[src.position(), + length)} XORed with {@code key} into {@code dst[0, length)}
   * (one pass: unmasking while copying); {@code src}'s position and limit are not moved.
   */
  static void xorFrom(ByteBuffer src, byte[] dst, int length, int key) {
    long wide = wide(key);
    int at = src.position();
    int i = 0;
    for (int end = length - 7; i < end; i += 8) {
      LONGS.set(dst, i, src.getLong(at + i) ^ wide);
    }
    for (; i < length; i++) {
      dst[i] = (byte) (src.get(at + i) ^ keyByte(key, i));
    }
  }

  /** The key twice, big-endian, matching eight payload bytes that start at a multiple of 4. */
  private static long wide(int key) {
    return (long) key << 32 | (key & 0xFFFFFFFFL);
  }

  /** The key byte that masks payload byte {@code i}. */
  private static int keyByte(int key, int i) {
    return key >>> (24 - 8 * (i & 3));
  }
}
