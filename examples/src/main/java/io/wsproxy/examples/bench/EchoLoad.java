package io.wsproxy.examples.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The echo load: {@code connections} WebSocket connections, each sending one binary message, waiting
 * for its echo and sending the next, on ONE selector thread (the caller's) so the load generator
 * stays cheap. Stops at {@code maxRoundTrips} or the time limit, lets messages in flight come back,
 * and ends every connection with the closing handshake. Not thread-safe.
 */
final class EchoLoad {

  private static final long DRAIN_NANOS = Duration.ofSeconds(5).toNanos();
  private static final int PRIMER_SIZE = 64;
  private static final ByteBuffer PRIMER = WsWire.maskedFrame(WsWire.BINARY, new byte[PRIMER_SIZE]);

  /** What a run measured; {@code latencies[0, roundTrips)} are the round trips in nanoseconds. */
  record Result(int roundTrips, long wallNanos, long[] latencies) {
    double perSecond() {
      return wallNanos == 0 ? 0 : roundTrips * 1e9 / wallNanos;
    }

    Percentiles percentiles() {
      return new Percentiles(latencies, roundTrips);
    }
  }

  private final int size;
  private final long[] latencies;
  private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(256 * 1024);
  private final List<Conn> conns = new ArrayList<>();
  private int completed;
  private int closed;
  private boolean stopping;

  private EchoLoad(int size, int maxRoundTrips) {
    this.size = size;
    this.latencies = new long[maxRoundTrips];
  }

  /** Runs the load against {@code 127.0.0.1:port}; throws if a connection fails. */
  static Result run(int port, int connections, int size, int maxRoundTrips, Duration limit)
      throws IOException {
    EchoLoad load = new EchoLoad(size, maxRoundTrips);
    try (Selector selector = Selector.open()) {
      try {
        return load.drive(selector, port, connections, limit);
      } finally {
        for (Conn c : load.conns) {
          c.channel.close();
        }
      }
    }
  }

  private Result drive(Selector selector, int port, int connections, Duration limit)
      throws IOException {
    byte[] payload = new byte[size];
    for (int i = 0; i < connections; i++) {
      conns.add(Conn.open(selector, port, WsWire.maskedFrame(WsWire.BINARY, payload)));
    }
    long t0 = System.nanoTime();
    long deadline = t0 + limit.toNanos();
    for (Conn c : conns) {
      send(c);
    }
    long stoppedAt = 0;
    while (true) {
      long now = System.nanoTime();
      if (!stopping && (now >= deadline || completed >= latencies.length)) {
        stopping = true;
        stoppedAt = now;
      }
      if (stopping && (conns.stream().noneMatch(c -> c.awaiting) || now - stoppedAt > DRAIN_NANOS)) {
        break;
      }
      selectOnce(selector, this::read);
    }
    long wall = stoppedAt - t0;
    closeAll(selector);
    return new Result(completed, wall, latencies);
  }

  private void send(Conn c) throws IOException {
    c.awaiting = true;
    c.sentAt = System.nanoTime();
    c.queue(c.frame.duplicate());
  }

  private void read(Conn c) throws IOException {
    readBuffer.clear();
    int n = c.channel.read(readBuffer);
    if (n < 0) {
      throw new IOException("connection closed by the server during the echo load");
    }
    readBuffer.flip();
    int messages = c.reader.feed(readBuffer, size);
    c.answerPing();
    if (c.reader.closeReceived()) {
      throw new IOException("server closed during the echo load: " + c.reader.closeStatus());
    }
    if (messages > 0 && c.awaiting) {
      long rtt = System.nanoTime() - c.sentAt;
      c.awaiting = false;
      if (!stopping && completed < latencies.length) {
        latencies[completed++] = rtt;
        send(c);
      }
    }
  }

  /** Closing handshakes on all connections at once, bounded by 5 s. */
  private void closeAll(Selector selector) throws IOException {
    ByteBuffer close = WsWire.closeFrame();
    for (Conn c : conns) {
      c.queue(close.duplicate());
    }
    long deadline = System.nanoTime() + DRAIN_NANOS;
    while (closed < conns.size() && System.nanoTime() < deadline) {
      selectOnce(selector, this::readClosing);
    }
  }

  private void readClosing(Conn c) throws IOException {
    readBuffer.clear();
    if (c.channel.read(readBuffer) < 0) {
      c.key.cancel();
      c.channel.close();
      closed++;
    } else {
      c.reader.feed(readBuffer.flip(), -1);
      c.answerPing();
    }
  }

  /** What to do with a readable connection. */
  private interface OnReadable {
    void read(Conn c) throws IOException;
  }

  /** Waits up to 50 ms for ready connections; flushes the writable ones, reads the readable. */
  private static void selectOnce(Selector selector, OnReadable onReadable) throws IOException {
    selector.select(50);
    Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
    while (keys.hasNext()) {
      SelectionKey key = keys.next();
      keys.remove();
      Conn c = (Conn) key.attachment();
      if (key.isValid() && key.isWritable()) {
        c.flush();
      }
      if (key.isValid() && key.isReadable()) {
        onReadable.read(c);
      }
    }
  }

  /** One connection's state. */
  private static final class Conn {
    final SocketChannel channel;
    final FrameReader reader = new FrameReader();
    final ByteBuffer frame; // the message, built once
    final ArrayDeque<ByteBuffer> out = new ArrayDeque<>(); // whole frames, never interleaved
    SelectionKey key;
    boolean awaiting;
    boolean writeInterest;
    long sentAt;

    private Conn(SocketChannel channel, ByteBuffer frame) {
      this.channel = channel;
      this.frame = frame;
    }

    /** Connects and upgrades with blocking I/O (5 s read timeout), then registers for reading. */
    static Conn open(Selector selector, int port, ByteBuffer frame) throws IOException {
      SocketChannel ch = SocketChannel.open();
      try {
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        ch.connect(new InetSocketAddress("127.0.0.1", port));
        ch.socket().setSoTimeout(5_000); // honoured by the socket's streams, not by ch.read
        ch.socket().getOutputStream().write(WsWire.upgradeRequest(port, "/bench"));
        InputStream in = ch.socket().getInputStream();
        byte[] head = new byte[4096];
        int len = 0;
        int end;
        while ((end = WsWire.endOfHead(head, len)) < 0) {
          int n = len == head.length ? -1 : in.read(head, len, head.length - len);
          if (n < 0) {
            throw new IOException("upgrade response incomplete");
          }
          len += n;
        }
        WsWire.expectSwitchingProtocols(head, end);
        Conn c = new Conn(ch, frame);
        c.prime(in, ByteBuffer.wrap(head, end, len - end));
        ch.configureBlocking(false);
        c.key = ch.register(selector, SelectionKey.OP_READ, c);
        return c;
      } catch (IOException | RuntimeException e) {
        ch.close();
        throw e;
      }
    }

    /**
     * One 64 B echo before the measured load. Java-WebSocket servers (the echo backend, ws-proxy's
     * javawebsocket transport) can still count a large first frame that follows the 101 at once as
     * upgrade-request bytes and answer 431 in the middle of the WebSocket stream; a first echo
     * makes sure the server has finished the upgrade.
     */
    void prime(InputStream in, ByteBuffer leftover) throws IOException {
      channel.write(PRIMER.duplicate());
      int messages = reader.feed(leftover, PRIMER_SIZE);
      byte[] buf = new byte[1024];
      while (messages == 0) {
        int n = in.read(buf);
        if (n < 0 || reader.closeReceived()) {
          throw new IOException("closed before the first echo: " + reader.closeStatus());
        }
        messages = reader.feed(ByteBuffer.wrap(buf, 0, n), PRIMER_SIZE);
      }
    }

    void queue(ByteBuffer whole) throws IOException {
      out.add(whole);
      flush();
    }

    void answerPing() throws IOException {
      byte[] ping = reader.takePing();
      if (ping != null) {
        queue(WsWire.maskedFrame(WsWire.PONG, ping));
      }
    }

    void flush() throws IOException {
      ByteBuffer head;
      while ((head = out.peek()) != null) {
        channel.write(head);
        if (head.hasRemaining()) {
          break;
        }
        out.poll();
      }
      boolean want = !out.isEmpty();
      if (want != writeInterest) {
        writeInterest = want;
        key.interestOps(want ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
      }
    }
  }
}
