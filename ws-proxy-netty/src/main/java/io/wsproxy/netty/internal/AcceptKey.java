package io.wsproxy.netty.internal;

import io.netty.util.concurrent.FastThreadLocal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * {@code Sec-WebSocket-Accept} of a {@code Sec-WebSocket-Key} (RFC 6455 section 4.2.2): the base64
 * of the SHA-1 of the key followed by the protocol's GUID. The server leg answers with it and the
 * upstream leg checks the upstream's answer against it. One digest per thread is kept, as looking
 * up a {@link MessageDigest} through the security providers costs more than the digest itself.
 *
 * <p><b>Threading.</b> Thread-safe (the digest is per thread).
 */
final class AcceptKey {

  private static final byte[] GUID =
      "258EAFA5-E914-47DA-95CA-C5AB0DC85B11".getBytes(StandardCharsets.US_ASCII);
  private static final FastThreadLocal<MessageDigest> SHA1 = new FastThreadLocal<>() {
    @Override
    protected MessageDigest initialValue() {
      try {
        return MessageDigest.getInstance("SHA-1");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-1 is missing from this JDK", e);
      }
    }
  };

  private AcceptKey() {}

  /** The accept value of {@code key}, as US-ASCII bytes (28 of them). */
  static byte[] of(String key) {
    MessageDigest sha1 = SHA1.get();
    sha1.reset();
    sha1.update(key.getBytes(StandardCharsets.US_ASCII));
    return Base64.getEncoder().encode(sha1.digest(GUID));
  }

  /** {@link #of} as a string. */
  static String text(String key) {
    return new String(of(key), StandardCharsets.US_ASCII);
  }
}
