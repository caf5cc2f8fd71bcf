package io.wsproxy.examples.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * One WebSocket client connection on a plain blocking socket, for the handshake loops, the idle
 * and held connections (where a thread per connection is not needed because nothing is read
 * meanwhile) and the flooded client that stops reading. Not thread-safe.
 */
final class BlockingWs implements AutoCloseable {

  private static final int TIMEOUT_MILLIS = 5_000;
  private static final ByteBuffer CLOSE = WsWire.closeFrame();

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  /** Read buffer of an idle or handshake connection (10,000 of them are held at once). */
  private static final int SMALL_READS = 4096;
  /** Read buffer of a connection opened to take a flood. */
  private static final int LARGE_READS = 64 * 1024;

  private final byte[] buf;
  private final FrameReader reader;

  private BlockingWs(Socket socket, FrameReader reader, int readBufferBytes) throws IOException {
    this.socket = socket;
    this.buf = new byte[readBufferBytes];
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
    this.reader = reader;
  }

  /**
   * Connects to {@code 127.0.0.1:port} from {@code localAddress} (null: any) and completes the
   * upgrade; every step times out after 5 s.
   */
  static BlockingWs open(int port, InetAddress localAddress) throws IOException {
    return open(port, localAddress, 0, null);
  }

  /**
   * As {@link #open(int, InetAddress)}, with the socket's receive buffer set to {@code
   * receiveBufferBytes} before it connects (0: the system's default, which grows as needed) and
   * every received data payload byte shown to {@code dataSink} (null: none). A connection with a
   * sink reads 64 KiB at a time instead of 4 KiB.
   */
  static BlockingWs open(int port, InetAddress localAddress, int receiveBufferBytes,
      Consumer<ByteBuffer> dataSink) throws IOException {
    Socket s = new Socket();
    try {
      s.setTcpNoDelay(true);
      if (receiveBufferBytes > 0) { // before connect: the TCP window is agreed in the handshake
        s.setReceiveBufferSize(receiveBufferBytes);
      }
      if (localAddress != null) {
        s.bind(new InetSocketAddress(localAddress, 0));
      }
      s.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
      s.setSoTimeout(TIMEOUT_MILLIS);
      BlockingWs ws = dataSink == null ? new BlockingWs(s, new FrameReader(), SMALL_READS)
          : new BlockingWs(s, new FrameReader(dataSink), LARGE_READS);
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

  /**
   * Reads what has arrived without blocking, answering pings: an idle connection held for minutes
   * must answer a proxy's keepalive pings as a real client would, or it is closed as frozen.
   *
   * @throws IOException if the connection ended
   */
  void answerPings() throws IOException {
    byte[] early = reader.takePing(); // one that came with the upgrade response
    if (early != null) {
      write(WsWire.maskedFrame(WsWire.PONG, early));
    }
    while (in.available() > 0) {
      if (readSome(-1) < 0) {
        throw new IOException("ended while idle");
      }
    }
  }

  /** Drops the connection without the closing handshake (after a failure). */
  void abort() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing a socket that failed: nothing more to do
    }
  }

  /** Whether a close frame has arrived. */
  boolean closeReceived() {
    return reader.closeReceived();
  }

  /** The close frame's code and reason, or "" before one. */
  String closeStatus() {
    return reader.closeStatus();
  }

  /** Sends {@code frame} (not consumed). */
  void write(ByteBuffer frame) throws IOException {
    ByteBuffer b = frame.duplicate();
    byte[] bytes = new byte[b.remaining()];
    b.get(bytes);
    out.write(bytes);
  }

  /**
   * Reads once (blocking up to 5 s), answering a ping; the data messages that ended, or -1 at end
   * of stream. {@code size} is every message's expected size, or -1 for any.
   */
  int readSome(long size) throws IOException {
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
