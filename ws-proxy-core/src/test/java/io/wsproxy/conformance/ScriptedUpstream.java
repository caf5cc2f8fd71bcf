package io.wsproxy.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * An upstream that is not a WebSocket server: a plain socket server on 127.0.0.1, port 0, that reads
 * each upgrade request and answers it as scripted (an HTTP status, a broken 101, or nothing at all).
 * It records the requests, and each connection the proxy hangs up on while it is still open, so a
 * test sees a dial being cancelled.
 *
 * <p><b>Threading.</b> One thread accepts and one per connection reads (tests open a handful);
 * everything the tests read is in thread-safe queues. {@link #close()} closes every socket and waits
 * for the threads.
 */
public final class ScriptedUpstream implements AutoCloseable {

  /** RFC 6455 section 1.3: the GUID appended to the client's key for {@code Sec-WebSocket-Accept}. */
  static final String WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  /** How long {@link #close()} waits for each thread. */
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

  private final ServerSocket server;
  private final UnaryOperator<String> answer; // request head → response head, or null for silence
  private final byte[] onFirstBytes; // after a 101: written once the proxy sent something, or null
  private final AtomicInteger accepted = new AtomicInteger();
  private final BlockingQueue<String> requests = new LinkedBlockingQueue<>();
  private final BlockingQueue<String> hangUps = new LinkedBlockingQueue<>();
  private final AtomicInteger open = new AtomicInteger();
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();

  private ScriptedUpstream(UnaryOperator<String> answer) throws IOException {
    this(answer, null);
  }

  private ScriptedUpstream(UnaryOperator<String> answer, byte[] onFirstBytes) throws IOException {
    this.answer = answer;
    this.onFirstBytes = onFirstBytes;
    this.server = new ServerSocket();
    server.bind(new InetSocketAddress("127.0.0.1", 0), 50);
    start("scripted-upstream-accept", this::acceptLoop);
  }

  /** Answers every upgrade with {@code status} (a 4xx or 5xx, say) and closes the connection. */
  public static ScriptedUpstream answeringStatus(int status) throws IOException {
    return new ScriptedUpstream(request -> "HTTP/1.1 " + status + " Scripted\r\n"
        + "Content-Type: text/plain\r\nContent-Length: 8\r\nConnection: close\r\n\r\nscripted");
  }

  /** Answers every upgrade with a 101 whose {@code Sec-WebSocket-Accept} is wrong. */
  public static ScriptedUpstream answeringWrongAccept() throws IOException {
    return new ScriptedUpstream(request -> switching("d3JvbmcgYWNjZXB0IGtleSE=", ""));
  }

  /** Answers every upgrade with a valid 101 that selects {@code subprotocol}, offered or not. */
  public static ScriptedUpstream answeringSubprotocol(String subprotocol) throws IOException {
    return new ScriptedUpstream(request -> switching(accept(request),
        "Sec-WebSocket-Protocol: " + subprotocol + "\r\n"));
  }

  /** Answers every upgrade with a valid 101 that selects an extension (none is ever offered). */
  public static ScriptedUpstream answeringUnofferedExtension() throws IOException {
    return new ScriptedUpstream(request -> switching(accept(request),
        "Sec-WebSocket-Extensions: permessage-deflate\r\n"));
  }

  /**
   * Answers every upgrade with a valid 101, then reads what the proxy sends and never answers
   * anything, not even a ping: a frozen peer whose kernel still acknowledges every byte.
   */
  public static ScriptedUpstream answeringSwitchingThenFreezing() throws IOException {
    return new ScriptedUpstream(request -> switching(accept(request), ""));
  }

  /**
   * Answers every upgrade with a valid 101 and, once the proxy sent its first bytes on that
   * connection (the client's first relayed message), writes {@code raw} as they are: frames that
   * break RFC 6455, say. Then it reads on and answers nothing.
   */
  public static ScriptedUpstream answeringSwitchingThenWriting(byte[] raw) throws IOException {
    return new ScriptedUpstream(request -> switching(accept(request), ""), raw.clone());
  }

  /** Reads every upgrade and never answers it (until the proxy hangs up or this server closes). */
  public static ScriptedUpstream answeringNothing() throws IOException {
    return new ScriptedUpstream(request -> null);
  }

  /** {@code ws://127.0.0.1:port} followed by {@code pathAndQuery}. */
  public URI uri(String pathAndQuery) {
    return URI.create("ws://127.0.0.1:" + server.getLocalPort() + pathAndQuery);
  }

  /** The next upgrade request head that arrived, waiting at most {@code timeout}. */
  public String awaitRequest(Duration timeout) throws InterruptedException {
    return Awaits.next(requests, timeout, "no upgrade request reached the scripted upstream");
  }

  /**
   * Waits until the proxy closed a connection this server still held open (its request unanswered,
   * or answered with a 101); answers that connection's request line.
   */
  public String awaitHangUp(Duration timeout) throws InterruptedException {
    return Awaits.next(hangUps, timeout, "the proxy did not hang up on the scripted upstream");
  }

  /** Connections accepted since this server started: zero when the proxy never dialled it. */
  public int accepted() {
    return accepted.get();
  }

  /** Connections open right now. */
  public int openConnections() {
    return open.get();
  }

  @Override
  public void close() throws IOException, InterruptedException {
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
    for (Thread t : threads) {
      t.join(STOP_TIMEOUT.toMillis());
    }
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      sockets.add(s);
      accepted.incrementAndGet();
      open.incrementAndGet();
      start("scripted-upstream-conn", () -> serve(s));
    }
  }

  private void serve(Socket s) {
    try (s) {
      InputStream in = s.getInputStream();
      String head = HttpHead.read(in);
      requests.add(head);
      String response = answer.apply(head);
      if (response != null) {
        s.getOutputStream().write(response.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        if (!response.startsWith("HTTP/1.1 101")) {
          return; // Connection: close, as a refusing server does
        }
      }
      // silent or switched: hold the connection until the proxy leaves
      byte[] sink = new byte[4096];
      if (response != null && onFirstBytes != null && in.read(sink) > 0) {
        s.getOutputStream().write(onFirstBytes);
        s.getOutputStream().flush();
      }
      while (in.read(sink) >= 0) {
        // whatever the proxy sends after a broken 101 is not looked at
      }
      hangUps.add(head.lines().findFirst().orElse(""));
    } catch (IOException e) {
      if (!server.isClosed()) {
        hangUps.add("reset: " + e); // a reset is a hang-up too
      }
    } finally {
      sockets.remove(s);
      open.decrementAndGet();
    }
  }

  private void start(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    threads.add(t);
    t.start();
  }

  private static String switching(String accept, String extraHeaders) {
    return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Accept: " + accept + "\r\n" + extraHeaders + "\r\n";
  }

  /** The correct {@code Sec-WebSocket-Accept} for the request's key. */
  static String accept(String requestHead) {
    String key = requestHead.lines()
        .filter(l -> l.toLowerCase(Locale.ROOT).startsWith("sec-websocket-key:"))
        .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst()
        .orElseThrow(() -> new AssertionError("upgrade request without a key: " + requestHead));
    try {
      byte[] sha1 = MessageDigest.getInstance("SHA-1")
          .digest((key + WEBSOCKET_GUID).getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(sha1);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required of every JVM", e);
    }
  }
}
