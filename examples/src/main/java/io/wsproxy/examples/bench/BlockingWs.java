package io.wsproxy.examples.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;

/**
 * One WebSocket client connection on a plain blocking socket, for the handshake loops and the idle
 * connections (where a thread per connection is not needed because nothing is read meanwhile).
 * Not thread-safe.
 */
final class BlockingWs implements AutoCloseable {

  private static final int TIMEOUT_MILLIS = 5_000;
  private static final ByteBuffer CLOSE = WsWire.closeFrame();

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final byte[] buf = new byte[4096];
  private final FrameReader reader = new FrameReader();

  private BlockingWs(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  /**
   * Connects to {@code 127.0.0.1:port} from {@code localAddress} (null: any) and completes the
   * upgrade; every step times out after 5 s.
   */
  static BlockingWs open(int port, InetAddress localAddress) throws IOException {
    Socket s = new Socket();
    try {
      s.setTcpNoDelay(true);
      if (localAddress != null) {
        s.bind(new InetSocketAddress(localAddress, 0));
      }
      s.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
      s.setSoTimeout(TIMEOUT_MILLIS);
      BlockingWs ws = new BlockingWs(s);
      ws.upgrade(port);
      return ws;
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  private void upgrade(int port) throws IOException {
    out.write(WsWire.upgradeRequest(port, "/bench"));
    int len = 0;
    int end;
    while ((end = WsWire.endOfHead(buf, len)) < 0) {
      if (len == buf.length) {
        throw new IOException("upgrade response head over " + buf.length + " bytes");
      }
      int n = in.read(buf, len, buf.length - len);
      if (n < 0) {
        throw new IOException("closed during the upgrade");
      }
      len += n;
    }
    WsWire.expectSwitchingProtocols(buf, end);
    if (len > end) {
      reader.feed(ByteBuffer.wrap(buf, end, len - end), -1);
    }
  }

  /** Sends {@code frame} (not consumed) and waits for one whole data message back. */
  void echo(ByteBuffer frame, long size) throws IOException {
    write(frame);
    int messages = 0;
    while (messages == 0) {
      messages = readSome(size);
      if (messages < 0) {
        throw new IOException("closed before the echo");
      }
    }
  }

  /**
   * The closing handshake: sends close 1000, waits for the server's close frame and for the server
   * to end the TCP connection (so TIME_WAIT stays on the server side), then closes the socket.
   */
  @Override
  public void close() throws IOException {
    try (socket) {
      write(CLOSE);
      while (readSome(-1) >= 0) {
        // until end of stream
      }
      if (!reader.closeReceived()) {
        throw new IOException("connection ended without a close frame");
      }
    } catch (SocketTimeoutException e) {
      throw new IOException("no end of the closing handshake within " + TIMEOUT_MILLIS + " ms");
    }
  }

  private void write(ByteBuffer frame) throws IOException {
    ByteBuffer b = frame.duplicate();
    byte[] bytes = new byte[b.remaining()];
    b.get(bytes);
    out.write(bytes);
  }

  /** Reads once; the data messages that ended, or -1 at end of stream. */
  private int readSome(long size) throws IOException {
    int n = in.read(buf);
    if (n < 0) {
      return -1;
    }
    int messages = reader.feed(ByteBuffer.wrap(buf, 0, n), size);
    byte[] ping = reader.takePing();
    if (ping != null) {
      write(WsWire.maskedFrame(WsWire.PONG, ping));
    }
    return messages;
  }
}
