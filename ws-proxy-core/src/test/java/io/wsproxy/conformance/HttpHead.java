package io.wsproxy.conformance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reading the head of an HTTP/1.1 request or response off a plain socket, for raw test peers (the
 * kit's own and those of the transport modules' tests).
 */
public final class HttpHead {

  /** Largest head read; a longer one fails the read. */
  static final int MAX_HEAD_BYTES = 64 * 1024;

  private HttpHead() {}

  /**
   * Reads up to and including the blank line that ends an HTTP head; throws {@link IOException} if
   * the stream ends first (saying what had arrived).
   */
  public static String read(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < end.length) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed in the HTTP head: "
            + head.toString(StandardCharsets.US_ASCII));
      }
      if (head.size() >= MAX_HEAD_BYTES) {
        throw new IOException("HTTP head longer than " + MAX_HEAD_BYTES + " bytes");
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == end[0] ? 1 : 0);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  /** The status code of a response head ({@code HTTP/1.1 502 Bad Gateway} → 502). */
  public static int status(String responseHead) {
    String[] parts = responseHead.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
      throw new AssertionError("not an HTTP response: " + responseHead);
    }
    return Integer.parseInt(parts[1].trim());
  }
}
