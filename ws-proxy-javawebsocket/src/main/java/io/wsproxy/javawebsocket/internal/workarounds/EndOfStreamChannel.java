package io.wsproxy.javawebsocket.internal.workarounds;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLEngine;
import org.java_websocket.WrappedByteChannel;
import org.java_websocket.interfaces.ISSLChannel;

/**
 * Works around Java-WebSocket 1.6.0 dropping the last frames of a client whose end of stream (TCP
 * FIN) arrives with them (see {@link EndOfStreamGate}): a connection's channel as the module's
 * server factory wraps it, whose reads report the peer's end of stream through the connection's
 * gate, so it reaches Java-WebSocket only once the bytes read before it are decoded; so does a
 * write failing meanwhile (a peer that closed its socket entirely). Without a gate (a connection not
 * made by the module's factory) it passes everything through. A plain socket given a {@link
 * LingeringClose} is closed through it (see there), as Java-WebSocket closes a server connection's
 * socket right after its close frame.
 *
 * <p>Used by the selector thread (reads and writes), apart from a refusal written by a worker before
 * the upgrade, and the close.
 */
public class EndOfStreamChannel implements WrappedByteChannel {

  private final ByteChannel delegate;
  private final EndOfStreamGate gate; // null: the end of stream goes through as read
  private final LingeringClose lingering; // null, or the delegate is not a plain socket: closed at once

  /** Wraps {@code delegate}, reporting its end of stream through {@code gate} (or as read if null). */
  public EndOfStreamChannel(ByteChannel delegate, EndOfStreamGate gate) {
    this(delegate, gate, null);
  }

  /**
   * Wraps {@code delegate}, reporting its end of stream through {@code gate} (or as read if null);
   * when {@code delegate} is a plain socket and {@code lingering} is not null, it is closed through
   * {@code lingering}.
   */
  public EndOfStreamChannel(ByteChannel delegate, EndOfStreamGate gate, LingeringClose lingering) {
    this.delegate = delegate;
    this.gate = gate;
    this.lingering = delegate instanceof SocketChannel ? lingering : null;
  }

  /** A guarded TLS channel, which Java-WebSocket recognises as secure. */
  public static final class Tls extends EndOfStreamChannel implements ISSLChannel {
    private final ISSLChannel tls;

    public Tls(ByteChannel delegate, EndOfStreamGate gate) {
      super(delegate, gate);
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
    return admit(delegate.read(dst), dst.position() - before);
  }

  @Override
  public int readMore(ByteBuffer dst) throws IOException {
    if (gate != null && gate.ended()) {
      return gate.heldBack();
    }
    int before = dst.position();
    return admit(delegate instanceof WrappedByteChannel w ? w.readMore(dst) : 0,
        dst.position() - before);
  }

  private int admit(int read, int transferred) {
    return gate == null ? read : gate.admit(read, transferred);
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
    if (lingering != null && (gate == null || !gate.ended())) { // the peer may still be sending
      lingering.close((SocketChannel) delegate);
    } else {
      delegate.close();
    }
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
