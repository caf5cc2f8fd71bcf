package io.wsproxy.jdk;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.conformance.PeerWakeups;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.java_websocket.WebSocket;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.server.WebSocketServer;

/** A Java-WebSocket server on 127.0.0.1, port 0, that records what it receives. */
final class TestUpstream extends WebSocketServer implements AutoCloseable {

  record Closed(int code, String reason, boolean remote) {}

  /** Texts as String, binaries as byte[], pings as "ping:" + payload. */
  final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
  final BlockingQueue<ClientHandshake> handshakes = new LinkedBlockingQueue<>();
  final BlockingQueue<WebSocket> connections = new LinkedBlockingQueue<>();
  final BlockingQueue<Closed> closes = new LinkedBlockingQueue<>();
  final BlockingQueue<byte[]> pongs = new LinkedBlockingQueue<>();

  volatile boolean echo;
  volatile boolean rejectUpgrade;
  volatile Consumer<WebSocket> onOpenHook = conn -> {};
  volatile BiConsumer<WebSocket, String> onTextHook = (conn, text) -> {};

  private final CountDownLatch started = new CountDownLatch(1);
  private PeerWakeups wakeups;

  private TestUpstream(List<Draft> drafts) {
    super(new InetSocketAddress("127.0.0.1", 0), drafts);
    setReuseAddr(true);
    setConnectionLostTimeout(0);
  }

  static TestUpstream launch() throws InterruptedException {
    return launch(new Draft_6455());
  }

  static TestUpstream launch(Draft draft) throws InterruptedException {
    TestUpstream server = new TestUpstream(List.of(draft));
    server.start();
    server.wakeups = PeerWakeups.repair(server);
    assertTrue(server.started.await(RecordingListener.WAIT_SECONDS, TimeUnit.SECONDS), "server start");
    return server;
  }

  URI uri() {
    return URI.create("ws://127.0.0.1:" + getPort() + "/upstream?q=1");
  }

  WebSocket awaitConnection() throws InterruptedException {
    WebSocket conn = connections.poll(RecordingListener.WAIT_SECONDS, TimeUnit.SECONDS);
    assertNotNull(conn, "no connection");
    return conn;
  }

  Closed awaitClose() throws InterruptedException {
    Closed c = closes.poll(RecordingListener.WAIT_SECONDS, TimeUnit.SECONDS);
    assertNotNull(c, "server saw no close");
    return c;
  }

  Object awaitReceived() throws InterruptedException {
    Object o = received.poll(RecordingListener.WAIT_SECONDS, TimeUnit.SECONDS);
    assertNotNull(o, "server received nothing");
    return o;
  }

  @Override
  public ServerHandshakeBuilder onWebsocketHandshakeReceivedAsServer(WebSocket conn, Draft draft,
      ClientHandshake request) throws InvalidDataException {
    if (rejectUpgrade) {
      throw new InvalidDataException(CloseFrame.POLICY_VALIDATION, "forbidden");
    }
    return super.onWebsocketHandshakeReceivedAsServer(conn, draft, request);
  }

  @Override
  public void onOpen(WebSocket conn, ClientHandshake handshake) {
    handshakes.add(handshake);
    connections.add(conn);
    onOpenHook.accept(conn);
  }

  @Override
  public void onClose(WebSocket conn, int code, String reason, boolean remote) {
    closes.add(new Closed(code, reason, remote));
  }

  @Override
  public void onMessage(WebSocket conn, String message) {
    received.add(message);
    onTextHook.accept(conn, message);
    if (echo) {
      conn.send(message);
    }
  }

  @Override
  public void onMessage(WebSocket conn, ByteBuffer message) {
    byte[] b = new byte[message.remaining()];
    message.get(b);
    received.add(b);
    if (echo) {
      conn.send(b);
    }
  }

  @Override
  public void onWebsocketPing(WebSocket conn, Framedata f) {
    received.add("ping:" + new String(bytes(f.getPayloadData())));
    super.onWebsocketPing(conn, f);
  }

  @Override
  public void onWebsocketPong(WebSocket conn, Framedata f) {
    pongs.add(bytes(f.getPayloadData()));
  }

  @Override
  public void onError(WebSocket conn, Exception ex) {
    // connection errors show up as closes; tests assert on those
  }

  @Override
  public void onStart() {
    started.countDown();
  }

  @Override
  public void close() {
    try {
      stop(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      wakeups.close();
    }
  }

  private static byte[] bytes(ByteBuffer data) {
    ByteBuffer d = data.duplicate();
    byte[] b = new byte[d.remaining()];
    d.get(b);
    return b;
  }
}
