package io.wsproxy.javawebsocket.internal;

import io.wsproxy.CloseCodes;
import io.wsproxy.Rejection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import javax.net.ssl.SSLEngine;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.WrappedByteChannel;
import org.java_websocket.enums.ReadyState;
import org.java_websocket.interfaces.ISSLChannel;

/**
 * A connection's channel as {@link GuardedFactory} wraps it. It guards two things Java-WebSocket
 * leaves open:
 *
 * <ul>
 *   <li>The upgrade request's size: it counts what it reads until the upgrade completes, and refuses
 *       a request larger than the limit: it answers {@code 431 Request Header Fields Too Large} and
 *       fails the read, which makes Java-WebSocket drop the connection. Without it a client could
 *       send header bytes forever and Java-WebSocket would keep buffering them.
 *   <li>The peer's end of stream: for a {@link DrainingWebSocket} it goes through the connection's
 *       {@link EndOfStreamGate}, so it is reported only once the bytes read before it are decoded;
 *       so is a write failing meanwhile (a peer that closed its socket entirely).
 * </ul>
 *
 * <p>Used by the selector thread only (reads and writes), apart from the refusal written by a
 * handshake on a worker and the close; the counters are touched by the selector thread alone.
 */
class GuardedChannel implements WrappedByteChannel {

  static final Rejection TOO_LARGE =
      new Rejection(431, CloseCodes.BAD_REQUEST, "Request header fields too large");

  private final ByteChannel delegate;
  private final SelectionKey key;
  private final int limit;
  private final EndOfStreamGate gate; // null: the end of stream goes through as read
  private long handshakeBytes; // selector thread only
  private boolean upgraded; // selector thread only

  /** Wraps {@code delegate}; {@code key} is registered and carries the connection as attachment. */
  GuardedChannel(ByteChannel delegate, SelectionKey key, int limit) {
    this.delegate = delegate;
    this.key = key;
    this.limit = limit;
    this.gate = key.attachment() instanceof DrainingWebSocket ws ? ws.gate() : null;
  }

  /** A guarded TLS channel, which Java-WebSocket recognises as secure. */
  static final class Tls extends GuardedChannel implements ISSLChannel {
    private final ISSLChannel tls;

    Tls(ByteChannel delegate, SelectionKey key, int limit) {
      super(delegate, key, limit);
      this.tls = (ISSLChannel) delegate;
    }

    @Override
    public SSLEngine getSSLEngine() {
      return tls.getSSLEngine();
    }
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    if (gate != null && gate.ended()) {
      return gate.heldBack();
    }
    int before = dst.position();
    return admit(count(delegate.read(dst)), dst.position() - before);
  }

  @Override
  public int readMore(ByteBuffer dst) throws IOException {
    if (gate != null && gate.ended()) {
      return gate.heldBack();
    }
    int before = dst.position();
    return admit(count(delegate instanceof WrappedByteChannel w ? w.readMore(dst) : 0),
        dst.position() - before);
  }

  private int admit(int read, int transferred) {
    return gate == null ? read : gate.admit(read, transferred);
  }

  private int count(int read) throws IOException {
    if (upgraded || read <= 0) {
      return read;
    }
    if (key.attachment() instanceof WebSocketImpl ws
        && ws.getReadyState() != ReadyState.NOT_YET_CONNECTED) {
      upgraded = true;
      return read;
    }
    handshakeBytes += read;
    if (handshakeBytes > limit) {
      ByteBuffer refusal = HttpRefusal.response(TOO_LARGE);
      delegate.write(refusal); // best effort: the connection is dropped next
      throw new IOException("upgrade request larger than " + limit + " bytes");
    }
    return read;
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    try {
      return delegate.write(src);
    } catch (IOException e) {
      return writeFailed(e);
    }
  }

  /** Holds a failed write back while the end of stream is (see {@link EndOfStreamGate}). */
  private int writeFailed(IOException e) throws IOException {
    if (gate != null && gate.writeFailed()) {
      return 0;
    }
    throw e;
  }

  @Override
  public boolean isOpen() {
    return delegate.isOpen();
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }

  @Override
  public boolean isNeedWrite() {
    return delegate instanceof WrappedByteChannel w && w.isNeedWrite();
  }

  @Override
  public void writeMore() throws IOException {
    if (delegate instanceof WrappedByteChannel w) {
      try {
        w.writeMore();
      } catch (IOException e) {
        writeFailed(e);
      }
    }
  }

  @Override
  public boolean isNeedRead() { // once the end of stream is seen, nothing more is read
    return delegate instanceof WrappedByteChannel w && w.isNeedRead()
        && (gate == null || !gate.ended());
  }

  @Override
  public boolean isBlocking() {
    if (delegate instanceof WrappedByteChannel w) {
      return w.isBlocking();
    }
    return delegate instanceof SelectableChannel s && s.isBlocking();
  }
}
