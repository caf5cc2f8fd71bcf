package io.wsproxy.jdk;

import io.wsproxy.conformance.HttpHead;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A misbehaving upstream on a plain server socket (127.0.0.1, port 0), one connection at a time;
 * see {@link Mode}. It records each request head and counts down {@link #peerClosed} when a peer
 * it upgraded closes its TCP connection.
 */
final class RawUpstream implements AutoCloseable {

  enum Mode {
    /** Never answers the upgrade. */
    SILENT,
    /** Answers 403. */
    FORBIDDEN,
    /** Answers 101 with a wrong {@code Sec-WebSocket-Accept}. */
    WRONG_ACCEPT,
    /** Answers a valid 101 that selects the subprotocol {@link #UNOFFERED}. */
    UNOFFERED_SUBPROTOCOL,
    /** Answers a valid 101 with {@code Sec-WebSocket-Extensions: permessage-deflate}. */
    EXTENSION,
    /** Waits for {@link #release} before it answers a valid 101, then reads until EOF. */
    LATE_UPGRADE,
    /** Upgrades, then reads nothing until {@link #release}, then reads until EOF. */
    UPGRADE_THEN_READ_ON_RELEASE,
    /** Upgrades, then never reads again (so it never answers a close). */
    UPGRADE_THEN_IGNORE,
    /** Upgrades, sends "before", waits for one short client frame, drops the TCP connection. */
    UPGRADE_THEN_DROP
  }

  /** The subprotocol {@link Mode#UNOFFERED_SUBPROTOCOL} selects. */
  static final String UNOFFERED = "not-offered";

  private static final String WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  /** A client text frame of 2 bytes: header 2, mask 4, payload 2. */
  static final int CLIENT_FRAME_BYTES = 8;

  final CountDownLatch accepted = new CountDownLatch(1);
  final CountDownLatch release = new CountDownLatch(1);
  final CountDownLatch peerClosed = new CountDownLatch(1);
  final BlockingQueue<String> requests = new LinkedBlockingQueue<>();
  private final ServerSocket server;
  private final Mode mode;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  RawUpstream(Mode mode) throws IOException {
    this.mode = mode;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::serve, "raw-upstream-" + mode);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  URI uri() {
    return URI.create("ws://127.0.0.1:" + server.getLocalPort() + "/raw");
  }

  private void serve() {
    try {
      while (true) {
        Socket s = server.accept();
        sockets.add(s);
        accepted.countDown();
        handle(s);
      }
    } catch (IOException e) {
      // closed: done
    }
  }

  private void handle(Socket s) throws IOException {
    if (mode == Mode.SILENT) {
      return; // hold the socket, answer nothing
    }
    String request = HttpHead.read(s.getInputStream());
    requests.add(request);
    if (mode == Mode.FORBIDDEN) {
      s.getOutputStream().write(("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n"
          + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      s.close();
      return;
    }
    if (mode == Mode.LATE_UPGRADE) {
      awaitRelease();
    }
    String key = header(request, "sec-websocket-key");
    String accept = mode == Mode.WRONG_ACCEPT ? accept("not the client's key") : accept(key);
    String extra = switch (mode) {
      case UNOFFERED_SUBPROTOCOL -> "Sec-WebSocket-Protocol: " + UNOFFERED + "\r\n";
      case EXTENSION -> "Sec-WebSocket-Extensions: permessage-deflate\r\n";
      default -> "";
    };
    s.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + "\r\n" + extra + "\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
    if (mode == Mode.UPGRADE_THEN_READ_ON_RELEASE) {
      awaitRelease();
    }
    if (mode == Mode.LATE_UPGRADE || mode == Mode.UPGRADE_THEN_READ_ON_RELEASE) {
      readUntilEof(s);
      return;
    }
    if (mode == Mode.UPGRADE_THEN_DROP) {
      s.getOutputStream().write(frame(0x81, "before")); // FIN + text
      s.getOutputStream().flush();
      // a masked client frame with a 2-byte payload is 8 bytes; reading it all makes close() send
      // FIN, not RST
      if (s.getInputStream().readNBytes(CLIENT_FRAME_BYTES).length == CLIENT_FRAME_BYTES) {
        s.close(); // no close frame
      }
      return;
    }
    s.getOutputStream().flush(); // and never read again
  }

  private void awaitRelease() throws IOException {
    try {
      if (!release.await(RecordingListener.WAIT_SECONDS, TimeUnit.SECONDS)) {
        throw new IOException("never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  /** Reads and drops bytes until the peer ends the connection (EOF or reset). */
  private void readUntilEof(Socket s) {
    byte[] buffer = new byte[64 * 1024];
    try {
      InputStream in = s.getInputStream();
      while (in.read(buffer) >= 0) {
        // discard
      }
    } catch (IOException e) {
      // reset by the peer: also an end
    }
    peerClosed.countDown();
  }

  /** An unmasked server frame with a payload under 126 bytes. */
  private static byte[] frame(int firstByte, String payload) {
    byte[] data = payload.getBytes(StandardCharsets.UTF_8);
    byte[] f = new byte[2 + data.length];
    f[0] = (byte) firstByte;
    f[1] = (byte) data.length;
    System.arraycopy(data, 0, f, 2, data.length);
    return f;
  }

  private static String header(String head, String name) {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
        return line.substring(colon + 1).trim();
      }
    }
    throw new IllegalStateException("no " + name + " in request");
  }

  private static String accept(String key) {
    try {
      byte[] sha1 = MessageDigest.getInstance("SHA-1")
          .digest((key + WS_GUID).getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(sha1);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws IOException {
    release.countDown();
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
    try {
      acceptor.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
