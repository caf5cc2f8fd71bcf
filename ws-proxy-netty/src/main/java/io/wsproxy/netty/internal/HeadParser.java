package io.wsproxy.netty.internal;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;
import io.wsproxy.Headers;
import java.util.Arrays;

/**
 * A small, strict parser of one HTTP/1.1 message head (RFC 9112 section 2): the start line and the
 * header fields up to the empty line, straight into the core's {@link Headers}, with no body. It
 * stands in for Netty's {@code HttpObjectDecoder} where ws-proxy reads a head and nothing after it
 * as HTTP (the upstream's answer to an upgrade, the ready server's request), without its header map,
 * its {@code AsciiString}s and a second copy of every field.
 *
 * <p>Lines end with CRLF or a bare LF; a CR anywhere else, a control character other than HT in a
 * field, a field line without a colon, with whitespace before its colon or starting with whitespace
 * (obs-fold), and a name that is not a token are refused ({@link Failure#status()} 400). A start
 * line over {@code maxLine} bytes before its LF, or a header block over {@code maxHeaderBytes}
 * bytes (lines with their line ends), is refused with 431. Empty lines before the start line are skipped (RFC 9112 section
 * 2.2). Field values lose their leading and trailing spaces and tabs; bytes are read as ISO-8859-1.
 *
 * <p>Bytes can come in any split: a line cut by a read is kept (only its bytes) until its end
 * arrives. {@link #parse} takes what it reads from the buffer it is given, and leaves in it what
 * follows the head.
 *
 * <p><b>Threading.</b> One per message head, on one thread at a time (a channel's event loop).
 */
final class HeadParser {

  /** The start line's three parts and the fields of a complete head. */
  record Head(String first, String second, String third, Headers headers, int fields,
      long fieldBytes) {}

  /** Why a head was refused: 400 (malformed) or 431 (too large), and what was wrong. */
  static final class Failure extends Exception {
    private final int status;

    Failure(int status, String message) {
      super(message, null, false, false); // no stack trace: a hostile peer can send many
      this.status = status;
    }

    int status() {
      return status;
    }
  }

  /**
   * Names and values nearly every upgrade head carries, as sent by browsers, the usual clients and
   * servers: read as these constants when the bytes are the same (case included), without a new
   * string each.
   */
  private static final String[] COMMON = {"GET", "/", "Host", "Upgrade", "websocket", "Connection",
      "Sec-WebSocket-Key", "Sec-WebSocket-Version", "13", "Sec-WebSocket-Accept",
      "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions", "Origin", "User-Agent", "Accept",
      "Accept-Encoding", "Accept-Language", "Cache-Control", "no-cache", "Pragma", "Cookie",
      "Authorization", "101", "Switching Protocols", "upgrade", "Date", "Server",
      "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "Content-Length"};

  /** {@link #COMMON} by length: only the few of a text's length are compared with it. */
  private static final String[][] COMMON_BY_LENGTH =
      new String[Arrays.stream(COMMON).mapToInt(String::length).max().orElse(0) + 1][];

  static {
    for (int n = 0; n < COMMON_BY_LENGTH.length; n++) {
      int len = n;
      COMMON_BY_LENGTH[n] = Arrays.stream(COMMON).filter(c -> c.length() == len)
          .toArray(String[]::new);
    }
  }

  /** Each event loop's copy of the line being parsed; it grows to the longest line seen. */
  private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
    @Override
    protected byte[] initialValue() {
      return new byte[256];
    }
  };

  private static final byte CR = '\r';
  private static final byte LF = '\n';

  private final int maxLine;
  private final int maxHeaderBytes;
  private final boolean request;
  private ByteBuf partial; // a line cut by a read, or null
  private String first;
  private String second;
  private String third;
  private Headers.Builder headers;
  private int fields;
  private long fieldBytes; // names and values only, as Netty's header maps count them
  private long headerBytes; // the block's lines with their line ends

  /**
   * @param request a request line ({@code method SP target SP version}); else a status line
   *     ({@code version SP status [SP reason]})
   */
  HeadParser(boolean request, int maxLine, int maxHeaderBytes) {
    this.request = request;
    this.maxLine = maxLine;
    this.maxHeaderBytes = maxHeaderBytes;
  }

  /**
   * Reads from {@code in} up to the end of the head. Returns the head once it is complete (what
   * follows it is left in {@code in}), or {@code null} when more bytes are needed (all of {@code in}
   * was taken). Does not release {@code in}.
   *
   * @throws Failure when the head is malformed or too large; call no more after that
   */
  Head parse(ByteBuf in, ByteBufAllocator alloc) throws Failure {
    while (in.isReadable()) {
      int lf = in.indexOf(in.readerIndex(), in.writerIndex(), LF);
      if (lf < 0) {
        int held = partial == null ? 0 : partial.readableBytes();
        checkLength(held + in.readableBytes());
        if (partial == null) {
          partial = alloc.heapBuffer(Math.max(64, in.readableBytes()));
        }
        partial.writeBytes(in);
        return null;
      }
      Head head;
      if (partial != null) {
        checkLength(partial.readableBytes() + lf - in.readerIndex());
        partial.writeBytes(in, in.readerIndex(), lf + 1 - in.readerIndex());
        in.readerIndex(lf + 1);
        try {
          head = line(partial, partial.readerIndex(), partial.writerIndex() - 1);
        } finally {
          partial.release();
          partial = null;
        }
      } else {
        int start = in.readerIndex();
        checkLength(lf - start);
        in.readerIndex(lf + 1);
        head = line(in, start, lf);
      }
      if (head != null) {
        return head;
      }
    }
    return null;
  }

  /** Drops a cut line held between reads (the connection ended, or the parser is abandoned). */
  void release() {
    if (partial != null) {
      partial.release();
      partial = null;
    }
  }

  private void checkLength(int lineBytes) throws Failure {
    if (first == null) {
      if (lineBytes > maxLine) {
        throw new Failure(431, "request line too long");
      }
    } else if (headerBytes + lineBytes > maxHeaderBytes) {
      throw new Failure(431, "header block too large");
    }
  }

  /** One line in {@code b} from {@code start} to the LF at {@code lf}; the head once complete. */
  private Head line(ByteBuf b, int start, int lf) throws Failure {
    // parsed from an array: one copy of the line, then plain array reads, where every ByteBuf read
    // checks its index and that the buffer is still alive
    int n = lf - start;
    byte[] a = SCRATCH.get();
    if (a.length < n) {
      a = new byte[Math.max(n, 2 * a.length)];
      SCRATCH.set(a);
    }
    b.getBytes(start, a, 0, n);
    int end = n > 0 && a[n - 1] == CR ? n - 1 : n;
    if (indexOf(a, 0, end, CR) >= 0) {
      throw new Failure(400, "a CR inside a line");
    }
    if (first == null) {
      if (end > 0) {
        startLine(a, end);
        headers = Headers.builder();
      }
      return null; // an empty line before the start line is skipped
    }
    headerBytes += n + 1;
    if (end == 0) {
      return new Head(first, second, third, headers.build(), fields, fieldBytes);
    }
    field(a, end);
    return null;
  }

  private static int indexOf(byte[] a, int from, int to, byte c) {
    for (int i = from; i < to; i++) {
      if (a[i] == c) {
        return i;
      }
    }
    return -1;
  }

  private void startLine(byte[] a, int end) throws Failure {
    int sp1 = indexOf(a, 0, end, (byte) ' ');
    if (sp1 <= 0) {
      throw new Failure(400, "a malformed start line");
    }
    int sp2 = indexOf(a, sp1 + 1, end, (byte) ' ');
    if (request) {
      if (sp2 <= sp1 + 1 || sp2 == end - 1 || indexOf(a, sp2 + 1, end, (byte) ' ') >= 0) {
        throw new Failure(400, "a malformed request line");
      }
      first = token(a, 0, sp1, "method");
      second = text(a, sp1 + 1, sp2);
      third = version(a, sp2 + 1, end);
    } else {
      first = version(a, 0, sp1);
      int codeEnd = sp2 < 0 ? end : sp2;
      second = text(a, sp1 + 1, codeEnd);
      if (codeEnd - sp1 - 1 != 3 || !digits(second)) {
        throw new Failure(400, "a malformed status code");
      }
      third = sp2 < 0 ? "" : text(a, sp2 + 1, end);
    }
    checkText(first);
    checkText(second);
    checkText(third);
  }

  private void field(byte[] a, int end) throws Failure {
    if (isSpace(a[0])) {
      throw new Failure(400, "a folded header line");
    }
    int colon = indexOf(a, 0, end, (byte) ':');
    if (colon < 0) {
      throw new Failure(400, "a header line without a colon");
    }
    String name = token(a, 0, colon, "header name");
    int vs = colon + 1;
    int ve = end;
    while (vs < ve && isSpace(a[vs])) {
      vs++;
    }
    while (ve > vs && isSpace(a[ve - 1])) {
      ve--;
    }
    String value = text(a, vs, ve);
    checkText(value);
    headers.add(name, value);
    fields++;
    fieldBytes += name.length() + value.length();
  }

  private static String token(byte[] a, int start, int end, String what) throws Failure {
    if (end <= start) {
      throw new Failure(400, "an empty " + what);
    }
    for (int i = start; i < end; i++) {
      if (!isTokenChar(a[i])) {
        throw new Failure(400, "a " + what + " that is not a token");
      }
    }
    return text(a, start, end);
  }

  private static String version(byte[] a, int start, int end) throws Failure {
    // HTTP-version = "HTTP" "/" DIGIT "." DIGIT (RFC 9112 section 2.3), in any case as Netty reads it
    if (end - start != 8 || !isDigit(a[start + 5]) || a[start + 6] != '.'
        || !isDigit(a[start + 7]) || !isHttpSlash(a, start)) {
      throw new Failure(400, "a malformed HTTP version");
    }
    char major = (char) a[start + 5];
    char minor = (char) a[start + 7];
    if (major == '1' && minor == '1') {
      return "HTTP/1.1";
    }
    return major == '1' && minor == '0' ? "HTTP/1.0" : "HTTP/" + major + "." + minor;
  }

  /** {@code a[start, end)} as text: one of {@link #COMMON} when it is one, else a new string. */
  private static String text(byte[] a, int start, int end) {
    int n = end - start;
    if (n < COMMON_BY_LENGTH.length) {
      for (String c : COMMON_BY_LENGTH[n]) {
        if (same(a, start, c)) {
          return c;
        }
      }
    }
    return new String(a, start, n, ISO_8859_1);
  }

  private static boolean same(byte[] a, int start, String s) {
    for (int i = 0; i < s.length(); i++) {
      if (a[start + i] != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** Refuses control characters other than HT (and DEL), as Netty's header validation does. */
  private static void checkText(String s) throws Failure {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        throw new Failure(400, "a control character");
      }
    }
  }

  private static boolean digits(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static boolean isHttpSlash(byte[] a, int i) {
    return (a[i] | 0x20) == 'h' && (a[i + 1] | 0x20) == 't' && (a[i + 2] | 0x20) == 't'
        && (a[i + 3] | 0x20) == 'p' && a[i + 4] == '/';
  }

  private static boolean isDigit(byte c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isSpace(byte c) {
    return c == ' ' || c == '\t';
  }

  /** RFC 9110 tchar. */
  private static boolean isTokenChar(byte c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      return true;
    }
    return c > 0x20 && c < 0x7f && "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }
}
