package io.wsproxy.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * {@code Sec-WebSocket-Accept} of a {@code Sec-WebSocket-Key} (RFC 6455 section 4.2.2): the base64
 * of the SHA-1 of the key followed by the protocol's GUID. The server leg answers with it and the
 * upstream leg checks the upstream's answer against it. One digest and its scratch arrays per
 * thread are kept, as looking up a {@link MessageDigest} through the security providers costs more
 * than the digest itself, and an accept value written or compared needs no array of its own.
 *
 * <p><b>Threading.</b> Thread-safe (the digest is per thread).
 */
final class AcceptKey {

  /** Length of an accept value: the base64 of 20 bytes. */
  static final int LENGTH = 28;

  private static final byte[] GUID =
      "258EAFA5-E914-47DA-95CA-C5AB0DC85B11".getBytes(StandardCharsets.US_ASCII);
  private static final FastThreadLocal<Scratch> SCRATCH = new FastThreadLocal<>() {
    @Override
    protected Scratch initialValue() {
      try {
        return new Scratch(MessageDigest.getInstance("SHA-1"));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-1 is missing from this JDK", e);
      }
    }
  };

  /** A thread's digest and arrays; {@link #accept} is only valid until the thread's next call. */
  private static final class Scratch {
    final MessageDigest sha1;
    final byte[] key = new byte[64]; // a key is 24 characters
    final byte[] digest = new byte[20];
    final byte[] accept = new byte[LENGTH];

    Scratch(MessageDigest sha1) {
      this.sha1 = sha1;
    }
  }

  private AcceptKey() {}

  /** Writes the accept value of {@code key} to {@code out}. */
  static void write(String key, ByteBuf out) {
    out.writeBytes(compute(key));
  }

  /** Whether {@code accept} is the accept value of {@code key}. */
  static boolean matches(String key, String accept) {
    if (accept.length() != LENGTH) {
      return false;
    }
    byte[] expected = compute(key);
    for (int i = 0; i < LENGTH; i++) {
      if (expected[i] != accept.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** The accept value in this thread's scratch array. */
  private static byte[] compute(String key) {
    Scratch s = SCRATCH.get();
    MessageDigest sha1 = s.sha1;
    sha1.reset();
    int n = key.length();
    if (n <= s.key.length) {
      for (int i = 0; i < n; i++) {
        char c = key.charAt(i);
        s.key[i] = c < 0x80 ? (byte) c : (byte) '?'; // as US-ASCII encodes it
      }
      sha1.update(s.key, 0, n);
    } else {
      sha1.update(key.getBytes(StandardCharsets.US_ASCII));
    }
    sha1.update(GUID);
    try {
      sha1.digest(s.digest, 0, s.digest.length);
    } catch (DigestException e) {
      throw new IllegalStateException("SHA-1 digest into 20 bytes failed", e);
    }
    Base64.getEncoder().encode(s.digest, s.accept);
    return s.accept;
  }
}
