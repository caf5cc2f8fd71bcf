package io.wsproxy.javawebsocket.internal.workarounds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.conformance.ThreadLeaks;
import io.wsproxy.javawebsocket.internal.Timer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A closed socket lingers: its output ends at once, it is read until the peer ends, then closed. */
class LingeringCloseTest {

  private static final Duration AWAIT = Duration.ofSeconds(5);

  private final Timer timer = new Timer("lingering-close-test");
  private final LingeringClose lingering = new LingeringClose(timer);
  private ServerSocketChannel listener;
  private Socket peer;
  private SocketChannel socket;

  @BeforeEach
  void connect() throws Exception {
    listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    peer = new Socket(InetAddress.getLoopbackAddress(), listener.socket().getLocalPort());
    peer.setSoTimeout((int) AWAIT.toMillis());
    socket = listener.accept();
    socket.configureBlocking(false);
  }

  @AfterEach
  void close() throws Exception {
    lingering.shutdown();
    timer.shutdownNow();
    peer.close();
    socket.close();
    listener.close();
  }

  @Test
  void aPeerStillSendingWritesOnUntilItEndsAndTheSocketClosesThen() throws Exception {
    OutputStream out = peer.getOutputStream();
    out.write(new byte[4096]); // unread when the socket is closed: a plain close would reset
    lingering.close(socket);
    assertEquals(-1, peer.getInputStream().read(), "the output ended (FIN) at once");
    for (int i = 0; i < 128; i++) {
      out.write(new byte[8192]); // 1 MiB more: a reset would fail these
    }
    out.flush();
    assertTrue(socket.isOpen(), "still open while the peer sends");
    peer.shutdownOutput();
    assertTrue(ThreadLeaks.await(AWAIT, () -> !socket.isOpen()), "closed once the peer ended");
    assertEquals(0, lingering.lingering());
  }

  @Test
  void shutdownClosesTheLingeringSocketsAndThoseHandedOverAfter() throws Exception {
    lingering.close(socket);
    assertEquals(1, lingering.lingering());
    lingering.shutdown();
    assertFalse(socket.isOpen());
    assertEquals(0, lingering.lingering());

    Socket second = new Socket(InetAddress.getLoopbackAddress(), listener.socket().getLocalPort());
    try (second; SocketChannel accepted = listener.accept()) {
      accepted.configureBlocking(false);
      lingering.close(accepted);
      assertFalse(accepted.isOpen(), "closed at once after shutdown");
      assertEquals(0, lingering.lingering());
    }
  }

  @Test
  void aSocketWhosePeerNeverEndsIsClosedAfterTheLingerTime() throws Exception {
    lingering.close(socket);
    InputStream in = peer.getInputStream();
    assertEquals(-1, in.read(), "the output ended (FIN) at once");
    long start = System.nanoTime();
    assertTrue(ThreadLeaks.await(LingeringClose.LINGER.plus(AWAIT), () -> !socket.isOpen()),
        "closed after at most the linger time");
    assertTrue(System.nanoTime() - start >= LingeringClose.LINGER.toNanos() / 2,
        "not closed before the peer had time to end");
  }
}
