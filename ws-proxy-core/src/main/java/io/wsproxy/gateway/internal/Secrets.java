package io.wsproxy.gateway.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Constant-time comparison of secrets. */
public final class Secrets {

  private Secrets() {}

  /**
   * Whether two secrets are equal, in time independent of where they differ and of their lengths:
   * both are hashed with SHA-256 and the digests compared with {@link MessageDigest#isEqual}.
   */
  public static boolean equal(String expected, String actual) {
    if (expected == null || actual == null) {
      return false;
    }
    return MessageDigest.isEqual(sha256(expected), sha256(actual));
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required on every Java platform", e);
    }
  }
}
