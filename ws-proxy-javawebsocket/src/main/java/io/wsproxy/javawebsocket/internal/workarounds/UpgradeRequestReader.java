package io.wsproxy.javawebsocket.internal.workarounds;

import io.wsproxy.CloseCodes;
import io.wsproxy.HandshakeRequest;
import io.wsproxy.Headers;
import io.wsproxy.Limits;
import io.wsproxy.Rejection;
import io.wsproxy.spi.UpgradeCheck;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a client's upgrade request before Java-WebSocket sees it, working around three defects of
 * Java-WebSocket 1.6.0's own request parsing:
 * <ul>
 *   <li><b>Unbounded upgrade request.</b> It buffers header bytes without limit while waiting for the
 *       blank line. Here the header section is capped at {@code maxHandshakeHeaderBytes} plus
 *       {@link #REQUEST_LINE_ALLOWANCE} (431 beyond), and what the client sends after it while the
 *       endpoint decides at {@link #EARLY_BYTES} more (the connection is closed beyond).</li>
 *   <li><b>Joined repeated headers.</b> It joins a repeated header's values with {@code "; "}, so two
 *       {@code Host} headers became one value and reached the upstream as
 *       {@code X-Forwarded-Host: a; b}. Here every field line stays its own value.</li>
 *   <li><b>Loose validation.</b> It accepts a missing or repeated {@code Host}, {@code Connection}
 *       without {@code upgrade}, any {@code Upgrade}, a key of any length, a body, and bare CR, LF
 *       or NUL inside field lines; and it answers an unsupported version with 404. Here the core's
 *       {@link UpgradeCheck} decides (400, 405, 426 with {@code Sec-WebSocket-Version: 13}), and
 *       malformed lines get 400, all before the endpoint or any upstream is involved.</li>
 * </ul>
 *
 * <p>Used by one connection's worker thread at a time (Java-WebSocket decodes a connection on one
 * worker); not thread-safe.
 */
public final class UpgradeRequestReader {

  /** Room for the request line and line ends on top of the header size limit: 8 KiB. */
  public static final int REQUEST_LINE_ALLOWANCE = 8 * Limits.KIB;
  /** Bytes a client may send after its request while the endpoint decides: 64 KiB. */
  public static final int EARLY_BYTES = 64 * Limits.KIB;

  /** The reason of a 400 for a request that is not well-formed HTTP. */
  static final String MALFORMED = "Malformed upgrade request";

  static final Rejection TOO_LARGE =
      new Rejection(431, CloseCodes.BAD_REQUEST, "Request header fields too large");

  /** What reading has come to. */
  public enum Progress { INCOMPLETE, COMPLETE, HEADERS_TOO_LARGE, TOO_MUCH_DATA }

  /** What {@link #parse} found. */
  public sealed interface Outcome permits Parsed, Refusal {}

  /** A well-formed request for the endpoint. */
  public record Parsed(HandshakeRequest request) implements Outcome {}

  /**
   * A refusal and the extra headers its response needs. {@code wellFormed}: the request itself is a
   * valid upgrade (only over a limit), so in close-code mode it can still be upgraded and closed
   * with the rejection's code.
   */
  public record Refusal(Rejection rejection, Headers headers, boolean wellFormed)
      implements Outcome {
    public Refusal(Rejection rejection) {
      this(rejection, Headers.EMPTY, false);
    }
  }

  private static final byte[] END_OF_HEADERS = {'\r', '\n', '\r', '\n'};

  private final Limits limits;
  private final int maxHeaderSection;
  private byte[] bytes = new byte[1024];
  private int length;
  private int headerEnd = -1; // index just past the blank line, once seen

  public UpgradeRequestReader(Limits limits) {
    this.limits = limits;
    this.maxHeaderSection = limits.maxHandshakeHeaderBytes() + REQUEST_LINE_ALLOWANCE;
  }

  /** Copies {@code src}'s remaining bytes (the caller's buffer is reused by Java-WebSocket). */
  public Progress append(ByteBuffer src) {
    int n = src.remaining();
    int bound = (headerEnd < 0 ? maxHeaderSection : headerEnd) + EARLY_BYTES;
    if ((long) length + n > bound) {
      return headerEnd < 0 ? Progress.HEADERS_TOO_LARGE : Progress.TOO_MUCH_DATA;
    }
    if (length + n > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(length + n, bytes.length * 2));
    }
    src.get(bytes, length, n);
    int from = Math.max(0, length - 3);
    length += n;
    if (headerEnd < 0) {
      headerEnd = find(from);
      if (headerEnd < 0) {
        return length > maxHeaderSection ? Progress.HEADERS_TOO_LARGE : Progress.INCOMPLETE;
      }
      if (headerEnd > maxHeaderSection) {
        return Progress.HEADERS_TOO_LARGE;
      }
    }
    return Progress.COMPLETE;
  }

  private int find(int from) {
    outer:
    for (int i = from; i + END_OF_HEADERS.length <= length; i++) {
      for (int j = 0; j < END_OF_HEADERS.length; j++) {
        if (bytes[i + j] != END_OF_HEADERS[j]) {
          continue outer;
        }
      }
      return i + END_OF_HEADERS.length;
    }
    return -1;
  }

  /** Everything read so far (request and early bytes), as a new buffer of at least {@code min}. */
  public ByteBuffer held(int min) {
    ByteBuffer out = ByteBuffer.allocate(Math.max(min, length));
    out.put(bytes, 0, length).flip();
    return out;
  }

  /** The refusal for a request over the size limit. */
  public static Refusal tooLarge() {
    return new Refusal(TOO_LARGE);
  }

  /**
   * Parses and checks the complete request (after {@link Progress#COMPLETE}): a
   * {@link HandshakeRequest} for the endpoint, or the {@link Refusal} to answer.
   */
  public Outcome parse(InetSocketAddress remote, boolean secure) {
    String head = new String(bytes, 0, headerEnd - 4, StandardCharsets.ISO_8859_1);
    String[] lines = head.split("\r\n", -1);
    String[] requestLine = lines[0].split(" ", -1);
    if (requestLine.length != 3 || !requestLine[1].startsWith("/") || hasControl(lines[0])) {
      return bad(MALFORMED);
    }
    Headers.Builder headers = Headers.builder();
    long headerBytes = 0;
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon <= 0 || lines[i].charAt(0) == ' ' || lines[i].charAt(0) == '\t'
          || lines[i].charAt(colon - 1) == ' ' || hasControl(lines[i])) {
        // no obsolete line folding, no space before ':', no bare CR, LF or NUL to smuggle a line
        return bad(MALFORMED);
      }
      String name = lines[i].substring(0, colon);
      String value = lines[i].substring(colon + 1).strip();
      headerBytes += name.length() + value.length();
      headers.add(name, value);
    }
    Headers h = headers.build();
    UpgradeCheck.Refusal refusal = UpgradeCheck.check(requestLine[0], requestLine[2], h);
    if (refusal != null) {
      return new Refusal(new Rejection(refusal.status(), CloseCodes.BAD_REQUEST, refusal.reason()),
          refusal.headers(), false);
    }
    if (lines.length - 1 > limits.maxHandshakeHeaders()
        || headerBytes > limits.maxHandshakeHeaderBytes()) {
      return new Refusal(TOO_LARGE, Headers.EMPTY, true);
    }
    try {
      return new Parsed(HandshakeRequest.builder().target(requestLine[1]).headers(h)
          .remoteAddress(remote).secure(secure).build());
    } catch (RuntimeException e) {
      return bad(MALFORMED);
    }
  }

  /** Whether {@code line} holds a CR, LF or NUL: a field line smuggled into another. */
  private static boolean hasControl(String line) {
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\r' || c == '\n' || c == 0) {
        return true;
      }
    }
    return false;
  }

  private static Refusal bad(String reason) {
    return new Refusal(Rejection.badRequest(reason));
  }
}
