package io.wsproxy.javawebsocket.internal.workarounds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.WebSocketListener;
import org.java_websocket.drafts.Draft_6455;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gate's bookkeeping, on a real selection key (a connected socket on 127.0.0.1, port 0) and a
 * real Java-WebSocket connection.
 */
class EndOfStreamGateTest {

  private static final int NOTHING = 0;

  private Selector selector;
  private ServerSocketChannel listener;
  private SocketChannel client;
  private SocketChannel accepted;
  private SelectionKey key;
  private WebSocketImpl conn;
  private EndOfStreamGate gate;

  @BeforeEach
  void setUp() throws Exception {
    selector = Selector.open();
    listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
    client = SocketChannel.open(listener.getLocalAddress());
    accepted = listener.accept();
    accepted.configureBlocking(false);
    conn = new WebSocketImpl(mock(WebSocketListener.class), List.of(new Draft_6455()));
    key = accepted.register(selector, SelectionKey.OP_READ, conn);
    conn.setSelectionKey(key);
    gate = new EndOfStreamGate(conn);
  }

  @AfterEach
  void tearDown() throws Exception {
    accepted.close();
    client.close();
    listener.close();
    selector.close();
  }

  @Test
  void reportsTheEndOfStreamAtOnceWhenEverythingReadIsDecoded() {
    assertEquals(5, gate.admit(5, 5));
    gate.decoded();
    assertEquals(EndOfStreamGate.END_OF_STREAM, gate.admit(-1, 0));
  }

  @Test
  void holdsTheEndOfStreamBackWithoutReadInterestUntilTheLastDecodeEnds() {
    gate.admit(5, 5);
    gate.admit(7, 7);
    assertEquals(NOTHING, gate.admit(-1, 0));
    assertTrue(gate.ended());
    assertEquals(0, key.interestOps() & SelectionKey.OP_READ, "no spinning on the end of stream");
    key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE); // Java-WebSocket's write demand
    assertEquals(NOTHING, gate.heldBack());
    assertEquals(SelectionKey.OP_WRITE, key.interestOps(), "write interest is kept");
    gate.decoded();
    assertEquals(NOTHING, gate.heldBack(), "one buffer still being decoded");
    gate.decoded();
    assertEquals(SelectionKey.OP_READ | SelectionKey.OP_WRITE, key.interestOps());
    assertEquals(EndOfStreamGate.END_OF_STREAM, gate.heldBack());
  }

  @Test
  void handsOverBytesThatComeWithTheEndOfStreamBeforeReportingIt() {
    assertEquals(3, gate.admit(-1, 3)); // a TLS channel: data, then the peer's close_notify
    assertTrue(gate.ended());
    assertEquals(NOTHING, gate.heldBack());
    gate.decoded();
    assertEquals(EndOfStreamGate.END_OF_STREAM, gate.heldBack());
  }

  @Test
  void flushesTheAnswerToADecodedCloseFrameBeforeReportingTheEndOfStream() {
    gate.admit(9, 9);
    gate.admit(-1, 0);
    conn.outQueue.add(ByteBuffer.allocate(4)); // the close frame Java-WebSocket answers with
    conn.flushAndClose(4000, "bye", true);
    gate.decoded();
    assertEquals(NOTHING, gate.heldBack());
    assertEquals(SelectionKey.OP_WRITE, key.interestOps(), "only the write path runs now");
    conn.outQueue.clear(); // written
    assertEquals(EndOfStreamGate.END_OF_STREAM, gate.heldBack());
  }

  @Test
  void ignoresDecodesOfBuffersItNeverCounted() {
    gate.decoded();
    gate.admit(2, 2);
    assertEquals(NOTHING, gate.admit(-1, 0), "the counted buffer is still pending");
    gate.decoded();
    assertEquals(EndOfStreamGate.END_OF_STREAM, gate.heldBack());
  }
}
