package io.wsproxy.examples.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The few RFC 6455 bytes the load generator writes: the upgrade request and masked client frames.
 * Frames are built once and re-sent as they are (same mask key), so sending costs the load
 * generator no per-message work; a server need not check that keys differ. Pure.
 */
public final class WsWire {

  /** Opcode of a text frame. */
  public static final int TEXT = 0x1;
  /** Opcode of a binary frame. */
  public static final int BINARY = 0x2;
  /** Opcode of a close frame. */
  public static final int CLOSE = 0x8;
  /** Opcode of a pong frame. */
  public static final int PONG = 0xA;

  private WsWire() {}

  /** The upgrade request for {@code path} on {@code 127.0.0.1:port}, with a random key. */
  public static byte[] upgradeRequest(int port, String path) {
    byte[] nonce = new byte[16];
    ThreadLocalRandom.current().nextBytes(nonce);
    String request = "GET " + path + " HTTP/1.1\r\n"
        + "Host: 127.0.0.1:" + port + "\r\n"
        + "Upgrade: websocket\r\n"
        + "Connection: Upgrade\r\n"
        + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
        + "Sec-WebSocket-Version: 13\r\n\r\n";
    return request.getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Index just past the blank line ending the response head in {@code buf[0, len)}, or -1 while it
   * is incomplete.
   */
  public static int endOfHead(byte[] buf, int len) {
    for (int i = 3; i < len; i++) {
      if (buf[i] == '\n' && buf[i - 1] == '\r' && buf[i - 2] == '\n' && buf[i - 3] == '\r') {
        return i + 1;
      }
    }
    return -1;
  }

  /** Throws unless the response head starts with a {@code 101} status line. */
  public static void expectSwitchingProtocols(byte[] head, int len) throws IOException {
    String text = new String(head, 0, len, StandardCharsets.ISO_8859_1);
    int eol = text.indexOf("\r\n");
    String status = eol < 0 ? text : text.substring(0, eol);
    if (!status.startsWith("HTTP/1.1 101")) {
      throw new IOException("upgrade refused: " + status);
    }
  }

  /** One masked, final client frame (a direct buffer, position 0, ready to write). */
  public static ByteBuffer maskedFrame(int opcode, byte[] payload) {
    int n = payload.length;
    int header = n < 126 ? 2 : n <= 0xFFFF ? 4 : 10;
    ByteBuffer frame = ByteBuffer.allocateDirect(header + 4 + n);
    frame.put((byte) (0x80 | opcode));
    if (n < 126) {
      frame.put((byte) (0x80 | n));
    } else if (n <= 0xFFFF) {
      frame.put((byte) (0x80 | 126)).putShort((short) n);
    } else {
      frame.put((byte) (0x80 | 127)).putLong(n);
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    frame.put(mask);
    for (int i = 0; i < n; i++) {
      frame.put((byte) (payload[i] ^ mask[i & 3]));
    }
    return frame.flip();
  }

  /** A masked close frame with code 1000. */
  public static ByteBuffer closeFrame() {
    return maskedFrame(CLOSE, new byte[] {0x03, (byte) 0xE8});
  }
}
