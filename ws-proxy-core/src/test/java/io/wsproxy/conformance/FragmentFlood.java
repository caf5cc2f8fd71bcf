package io.wsproxy.conformance;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One end of a WebSocket connection on a plain socket that floods its peer with one-byte fragments
 * of a binary message it never finishes, and proves with a ping answered by a pong that the peer
 * has read every fragment before it. It is either a client upgraded at the proxy ({@link #client};
 * its frames are masked) or a connection accepted by a {@link Upstream} that answered the proxy's
 * upgrade (unmasked). Like a live peer it answers the proxy's pings at once (a keepalive or
 * liveness ping left unanswered would get it cut), from a reader thread of its own that also
 * collects pongs and the close frame. Used by one test thread.
 */
final class FragmentFlood implements AutoCloseable {

  /** Receive buffer of a {@link #nonReadingClient}. */
  static final int NON_READING_RECEIVE_BUFFER = 4096;
  /** Payload of each flooding ping: the largest a control frame may carry. */
  static final int PING_PAYLOAD = 125;
  /** Fragments written per socket write. */
  static final int BATCH = 4096;
  private static final byte[] MASK = {0x5a, 0x13, 0x77, 0x01};
  private static final int OPCODE_CONTINUATION = 0x0;
  private static final int OPCODE_BINARY = 0x2;
  private static final int OPCODE_CLOSE = 0x8;
  private static final int OPCODE_PING = 0x9;
  private static final int OPCODE_PONG = 0xA;

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out; // writes synchronize on it: the reader answers pings
  private final boolean masked;
  private final BlockingQueue<byte[]> pongs = new LinkedBlockingQueue<>();
  private final BlockingQueue<Integer> closes = new LinkedBlockingQueue<>(); // code; -1: no frame
  private long sent; // fragments written so far
  private volatile IOException writeFailure; // why the last send stopped early, or null
  private volatile long pingsWritten; // by sendPings, as it goes

  private FragmentFlood(Socket socket, DataInputStream in, boolean masked) throws IOException {
    this(socket, in, masked, true);
  }

  private FragmentFlood(Socket socket, DataInputStream in, boolean masked, boolean reading)
      throws IOException {
    this.socket = socket;
    this.in = in;
    this.out = socket.getOutputStream();
    this.masked = masked;
    if (reading) {
      Thread reader = new Thread(this::readLoop, "fragment-flood-reader");
      reader.setDaemon(true);
      reader.start();
    }
  }

  /** Answers pings, collects pongs and the close code until the connection ends. */
  private void readLoop() {
    while (true) {
      try {
        int[] opcode = new int[1];
        byte[] p = readFrame(opcode);
        if (opcode[0] == OPCODE_PING) {
          byte[] pong = new byte[(masked ? 6 : 2) + p.length];
          frame(pong, 0, OPCODE_PONG, p);
          synchronized (out) {
            out.write(pong);
            out.flush();
          }
        } else if (opcode[0] == OPCODE_PONG) {
          pongs.add(p);
        } else if (opcode[0] == OPCODE_CLOSE) {
          closes.add(closeCode(p));
          return;
        }
      } catch (IOException e) {
        closes.add(-1); // ended (or reset) without a close frame
        return;
      }
    }
  }

  /** A client upgraded at {@code 127.0.0.1:port}{@code path}; fails unless it gets a 101. */
  static FragmentFlood client(int port, String path, Duration timeout) throws IOException {
    return client(port, path, timeout, true);
  }

  /**
   * A client that reads nothing after its 101 (no reader thread, a small receive buffer), so what
   * the proxy writes to it backs up; for {@link #sendPings}.
   */
  static FragmentFlood nonReadingClient(int port, String path, Duration timeout)
      throws IOException {
    return client(port, path, timeout, false);
  }

  private static FragmentFlood client(int port, String path, Duration timeout, boolean reading)
      throws IOException {
    Socket s = new Socket();
    try {
      if (!reading) {
        s.setReceiveBufferSize(NON_READING_RECEIVE_BUFFER);
      }
      s.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
      s.setSoTimeout((int) timeout.toMillis());
      String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
          + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
      s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
      String head = HttpHead.read(in);
      if (!head.startsWith("HTTP/1.1 101")) {
        throw new AssertionError("upgrade refused: " + head);
      }
      s.setSoTimeout(0); // the reader thread blocks until the connection ends; waits are bounded
      return new FragmentFlood(s, in, true, reading);
    } catch (IOException | RuntimeException | Error e) {
      s.close();
      throw e;
    }
  }

  /** Fragments written so far (the first one opens the message). */
  long sent() {
    return sent;
  }

  /** What the connection looked like to the flooder: fragments written and why writing stopped. */
  String state() {
    return sent + " fragments written" + (writeFailure == null ? "" : "; then " + writeFailure);
  }

  /**
   * Writes {@code count} more one-byte fragments, none final. Returns {@code false} when the peer
   * has closed the connection meanwhile (a write failed), {@code true} when all were written.
   */
  boolean send(long count) {
    int frameSize = masked ? 7 : 3;
    byte[] batch = new byte[BATCH * frameSize];
    try {
      for (long left = count; left > 0; ) {
        int n = (int) Math.min(BATCH, left);
        for (int i = 0; i < n; i++) {
          int opcode = sent + i == 0 ? OPCODE_BINARY : OPCODE_CONTINUATION;
          frame(batch, i * frameSize, opcode, new byte[] {(byte) 'x'});
        }
        synchronized (out) {
          out.write(batch, 0, n * frameSize);
        }
        sent += n;
        left -= n;
      }
      synchronized (out) {
        out.flush();
      }
      return true;
    } catch (IOException e) {
      writeFailure = e;
      return false; // the peer closed (or reset) the connection while we wrote
    }
  }

  /**
   * Writes {@code count} pings of {@link #PING_PAYLOAD} bytes; answers how many were written before
   * a write failed (the peer closed) or the socket was closed under it.
   */
  long sendPings(long count) {
    byte[] payload = new byte[PING_PAYLOAD];
    int frameSize = (masked ? 6 : 2) + PING_PAYLOAD;
    int perBatch = 256;
    byte[] batch = new byte[perBatch * frameSize];
    for (int i = 0; i < perBatch; i++) {
      frame(batch, i * frameSize, OPCODE_PING, payload);
    }
    long written = 0;
    try {
      while (written < count) {
        int n = (int) Math.min(perBatch, count - written);
        synchronized (out) {
          out.write(batch, 0, n * frameSize);
        }
        written += n;
        pingsWritten = written;
      }
    } catch (IOException e) {
      writeFailure = e;
    }
    return written;
  }

  /** Pings {@link #sendPings} has written so far (it may still be blocked writing more). */
  long pingsWritten() {
    return pingsWritten;
  }

  /** Sends a ping (allowed between fragments) and waits for its pong. */
  void pingAndAwaitPong(byte[] payload) throws IOException, InterruptedException {
    byte[] ping = new byte[(masked ? 6 : 2) + payload.length];
    frame(ping, 0, OPCODE_PING, payload);
    synchronized (out) {
      out.write(ping);
      out.flush();
    }
    long deadline = System.nanoTime() + ConformanceFixture.AWAIT.toNanos();
    while (true) {
      byte[] p = pongs.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (p == null) {
        Integer closed = closes.peek();
        throw new AssertionError("no pong within " + ConformanceFixture.AWAIT + " after " + state()
            + (closed != null ? "; the proxy closed with " + closed : ""));
      }
      if (java.util.Arrays.equals(payload, p)) {
        return;
      }
    }
  }

  /** The close code the peer sent (-1: the connection ended without one), waiting at most AWAIT. */
  int readCloseCode() throws InterruptedException {
    return Awaits.next(closes, ConformanceFixture.AWAIT, "no close after " + state());
  }

  private static int closeCode(byte[] payload) {
    return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
  }

  /** Writes one final-less data frame or a final control frame at {@code off}. */
  private void frame(byte[] into, int off, int opcode, byte[] payload) {
    boolean control = opcode >= 0x8;
    into[off] = (byte) ((control ? 0x80 : 0) | opcode);
    into[off + 1] = (byte) ((masked ? 0x80 : 0) | payload.length);
    int p = off + 2;
    if (masked) {
      System.arraycopy(MASK, 0, into, p, 4);
      p += 4;
    }
    for (int i = 0; i < payload.length; i++) {
      into[p + i] = (byte) (masked ? payload[i] ^ MASK[i % 4] : payload[i]);
    }
  }

  /** Reads one frame, masked or not (whatever the peer's role); its opcode goes to op[0]. */
  private byte[] readFrame(int[] op) throws IOException {
    int b0 = in.readUnsignedByte();
    int b1 = in.readUnsignedByte();
    long len = b1 & 0x7f;
    if (len == 126) {
      len = in.readUnsignedShort();
    } else if (len == 127) {
      len = in.readLong();
    }
    byte[] mask = null;
    if ((b1 & 0x80) != 0) {
      mask = new byte[4];
      in.readFully(mask);
    }
    byte[] payload = new byte[Math.toIntExact(len)];
    in.readFully(payload);
    if (mask != null) {
      for (int i = 0; i < payload.length; i++) {
        payload[i] ^= mask[i % 4];
      }
    }
    op[0] = b0 & 0x0f;
    return payload;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  /**
   * An upstream on 127.0.0.1, port 0, that answers every upgrade with a valid 101 and hands the
   * connection to the test as a {@link FragmentFlood} (unmasked frames, as a server sends them).
   */
  static final class Upstream implements AutoCloseable {
    private final ServerSocket server = new ServerSocket();
    private final BlockingQueue<FragmentFlood> accepted = new LinkedBlockingQueue<>();
    private final Thread acceptor;

    Upstream() throws IOException {
      server.bind(new InetSocketAddress("127.0.0.1", 0), 50);
      acceptor = new Thread(this::acceptLoop, "fragment-flood-upstream");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    String uri() {
      return "ws://127.0.0.1:" + server.getLocalPort();
    }

    /** The next connection the proxy opened (its upgrade answered). */
    FragmentFlood awaitConnection(Duration timeout) throws InterruptedException {
      return Awaits.next(accepted, timeout, "the proxy did not dial the flooding upstream");
    }

    private void acceptLoop() {
      while (!server.isClosed()) {
        Socket s = null;
        try {
          s = server.accept();
          s.setSoTimeout((int) ConformanceFixture.AWAIT.toMillis());
          DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
          String head = HttpHead.read(in);
          String answer = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
              + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + ScriptedUpstream.accept(head)
              + "\r\n\r\n";
          s.getOutputStream().write(answer.getBytes(StandardCharsets.US_ASCII));
          s.getOutputStream().flush();
          s.setSoTimeout(0); // as for a client: the reader blocks until the end
          accepted.add(new FragmentFlood(s, in, false));
        } catch (IOException e) {
          closeQuietly(s); // closed, or a connection that went away before its 101
        }
      }
    }

    private static void closeQuietly(Socket s) {
      if (s != null) {
        try {
          s.close();
        } catch (IOException ignored) {
          // nothing left to release
        }
      }
    }

    @Override
    public void close() throws Exception {
      server.close();
      for (FragmentFlood f : accepted) {
        f.close();
      }
      acceptor.join(ScriptedUpstream.STOP_TIMEOUT.toMillis());
    }
  }
}
