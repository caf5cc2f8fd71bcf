package io.wsproxy.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.CloseCodes;
import io.wsproxy.Limits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hostile input, as an attacker without credentials sends it (issue 11): sockets that send nothing
 * or a request head one byte at a time are closed by the handshake timeout, count against the
 * pending-handshake cap while they live and never dial an upstream, while a normal client is served;
 * every malformed upgrade is refused with its status and no dial; every framing violation of
 * RFC 6455 fails its connection with 1002 (1007 for bad UTF-8), and an upstream that breaks it
 * closes its client with the upstream-failure code; and a peer that freezes without a FIN is cut by the
 * keepalive. Not meant to be extended directly.
 */
public abstract class HostileInputConformanceCases extends RelayConformanceCases {

  /** The handshake timeout of these cases: short, so a slow socket's end shows quickly. */
  static final Duration HOSTILE_HANDSHAKE_TIMEOUT = Duration.ofMillis(1_000);
  /** Sockets that send nothing, held open at once. */
  static final int IDLE_SOCKETS = 3;
  /** A slowloris sends one byte of its request head this often: ~20 s for the whole head. */
  static final Duration SLOWLORIS_BYTE_INTERVAL = Duration.ofMillis(100);
  /** The pending-handshake cap of the cap case, and its handshake timeout (room for a slow accept). */
  static final int SMALL_PENDING_CAP = 3;
  static final Duration CAP_HANDSHAKE_TIMEOUT = Duration.ofMillis(2_000);
  /** Keepalive interval of the frozen-peer cases. */
  static final Duration HOSTILE_KEEPALIVE = Duration.ofMillis(300);
  /**
   * By when a frozen peer must be cut, after its last sign of life: the keepalive pings a leg quiet
   * for one interval and cuts it before two intervals of silence, so two intervals, plus 40% of one
   * as slack for what the design does not bound: the timer thread and the event loops running late
   * on a loaded machine (the timer's checks run with a fixed delay, so lateness adds up over the
   * checks of two intervals), and the close's trip to the test's peer and its reading there.
   */
  static final Duration FROZEN_NOTICED = HOSTILE_KEEPALIVE.multipliedBy(12).dividedBy(5); // 2.4
  /**
   * Not before: the ping goes out after one quiet interval and the peer then has most of another
   * to answer it, so a cut within one interval of the last sign of life is a cut without waiting.
   */
  static final Duration FROZEN_NOT_BEFORE = HOSTILE_KEEPALIVE;
  /** Close timeout of the upstream-violation case: a broken upstream never answers a close. */
  static final Duration HOSTILE_CLOSE_TIMEOUT = Duration.ofMillis(200);

  // ---------------------------------------------------------------- before the handshake

  @Test
  void closesIdleAndSlowlorisSocketsAtTheHandshakeTimeoutWithoutDiallingWhileServingAClient()
      throws Exception {
    ScriptedUpstream never = scripted(ScriptedUpstream.answeringNothing());
    startHostileProxy(never, KIT_LIMITS.toBuilder().handshakeTimeout(HOSTILE_HANDSHAKE_TIMEOUT));
    long start = System.nanoTime();
    List<Socket> idle = new ArrayList<>();
    for (int i = 0; i < IDLE_SOCKETS; i++) {
      idle.add(openSocket());
    }
    TestClient client = connect("/victim/");
    client.sendText("served meanwhile");
    assertEquals("served meanwhile", client.next(AWAIT));

    Duration slow = slowloris("/slow");
    assertTrue(slow.compareTo(HOSTILE_HANDSHAKE_TIMEOUT.multipliedBy(9).dividedBy(10)) >= 0,
        () -> "a slow request head has the whole handshake timeout, closed after " + slow);
    for (Socket s : idle) {
      awaitClosedByProxy(s, HOSTILE_HANDSHAKE_TIMEOUT.plus(PROMPTLY));
    }
    Duration all = Duration.ofNanos(System.nanoTime() - start);
    assertTrue(all.compareTo(HOSTILE_HANDSHAKE_TIMEOUT.multipliedBy(9).dividedBy(10)) >= 0,
        () -> "idle sockets were closed before the handshake timeout: " + all);
    assertEquals(0, never.accepted(), "a socket that never finished its request dialled upstream");
    client.sendText("still served");
    assertEquals("still served", client.next(AWAIT));
  }

  @Test
  void countsSocketsThatHaveNotSentTheirRequestAgainstThePendingHandshakeCap() throws Exception {
    ScriptedUpstream never = scripted(ScriptedUpstream.answeringNothing());
    startHostileProxy(never, KIT_LIMITS.toBuilder().handshakeTimeout(CAP_HANDSHAKE_TIMEOUT)
        .maxPendingHandshakes(SMALL_PENDING_CAP));
    List<Socket> idle = new ArrayList<>();
    for (int i = 0; i <= SMALL_PENDING_CAP; i++) {
      idle.add(openSocket());
    }
    // one of them is over the cap (which one depends on the order the server took them in):
    // it is answered 503 at once, the others wait for their request until the timeout
    long start = System.nanoTime();
    String refusal = awaitOneClosedByProxy(idle, CAP_HANDSHAKE_TIMEOUT.multipliedBy(3).dividedBy(4));
    assertTrue(refusal.startsWith("HTTP/1.1 503"), () -> "over the cap: " + refusal);
    assertUpgradeRefused(503, "/victim/"); // the cap is full of idle sockets
    for (Socket s : idle) {
      awaitClosedByProxy(s, CAP_HANDSHAKE_TIMEOUT.plus(PROMPTLY));
    }
    assertTrue(ThreadLeaks.await(Duration.ofSeconds(1), this::echoesOnce),
        "a normal client is served again within a second of the idle sockets closing");
    assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(AWAIT) < 0);
    assertEquals(0, never.accepted(), "an idle socket dialled upstream");
  }

  @Test
  void refusesEveryMalformedUpgradeWithItsStatusAndDialsNothing() throws Exception {
    ScriptedUpstream never = scripted(ScriptedUpstream.answeringNothing());
    startHostileProxy(never, KIT_LIMITS.toBuilder());
    List<String> failures = new ArrayList<>();
    for (HostileRequests.Case c : HostileRequests.all(proxyPort())) {
      String head;
      try {
        head = exchange(c.request());
      } catch (IOException e) {
        failures.add(c.name() + ": no answer (" + e + ")");
        continue;
      }
      int status = head.startsWith("HTTP/") ? HttpHead.status(head) : -1;
      if (status != c.status() || !head.toLowerCase().contains(c.mustContain().toLowerCase())) {
        failures.add(c.name() + ": expected " + c.status() + " with '" + c.mustContain()
            + "', got " + head.lines().findFirst().orElse("nothing"));
      }
    }
    assertTrue(failures.isEmpty(), () -> failures.size() + " answered wrongly:\n  "
        + String.join("\n  ", failures));
    assertEquals(0, never.accepted(), "a refused upgrade dialled upstream");
  }

  // ---------------------------------------------------------------- framing

  @Test
  void failsEveryClientFrameThatBreaksRfc6455WithItsCodeAndRelaysNothingOfIt() throws Exception {
    startEchoProxy();
    List<HostileFrames.Violation> violations = new ArrayList<>(HostileFrames.all());
    violations.add(HostileFrames.wrongMasking());
    List<String> failures = new ArrayList<>();
    for (HostileFrames.Violation v : violations) {
      RawClient client = connectRaw("/");
      UpstreamPeer.Conn up = upstream().awaitConnection(AWAIT);
      client.sendText("before");
      assertEquals("before", up.next(AWAIT), v.name());
      assertEquals("before", client.readTextMessage(), v.name());
      client.sendRaw(v.bytes().apply(true));
      int code = closeCodeOrEnd(client);
      if (code != v.code()) {
        failures.add(v.name() + ": closed with " + code + ", expected " + v.code());
      }
      up.awaitClose(PROMPTLY);
      if (!up.receivedNothing()) {
        failures.add(v.name() + ": relayed upstream: " + up.next(Duration.ZERO));
      }
      client.close();
    }
    assertTrue(failures.isEmpty(), () -> failures.size() + " of " + violations.size()
        + " violations answered wrongly:\n  " + String.join("\n  ", failures));
    awaitNoProxyConnections();
  }

  /**
   * An upstream that breaks RFC 6455 is failed and not kept, and its client is closed with the
   * upstream-failure code (1014 Bad Gateway): the client's own frames were fine, so 1002 or 1007
   * would blame it.
   */
  @Test
  void failsAnUpstreamThatBreaksRfc6455AndClosesItsClientWithTheUpstreamFailureCode() throws Exception {
    List<HostileFrames.Violation> violations = new ArrayList<>(HostileFrames.all());
    violations.add(HostileFrames.wrongMasking());
    List<ScriptedUpstream> upstreams = new ArrayList<>();
    for (HostileFrames.Violation v : violations) {
      upstreams.add(scripted(ScriptedUpstream.answeringSwitchingThenWriting(v.bytes().apply(false))));
    }
    // one route per violation; a short close timeout, since a broken upstream answers no close
    startProxy(b -> {
      for (int i = 0; i < upstreams.size(); i++) {
        b.route("/v" + i + "/", upstreams.get(i).uri("").toString());
      }
      b.limits(KIT_LIMITS.toBuilder().closeTimeout(HOSTILE_CLOSE_TIMEOUT).build());
    });
    List<RawClient> clients = new ArrayList<>();
    for (int i = 0; i < violations.size(); i++) {
      RawClient client = connectRaw("/v" + i + "/");
      client.sendText("go"); // the upstream answers its first frame with the violation
      clients.add(client); // all at once: each waits out the close timeout at its upstream
    }
    List<String> failures = new ArrayList<>();
    long deadline = System.nanoTime() + AWAIT.toNanos(); // one wait for all of them
    for (int i = 0; i < violations.size(); i++) {
      HostileFrames.Violation v = violations.get(i);
      RawClient client = clients.get(i);
      client.readTimeout(Duration.ofNanos(deadline - System.nanoTime()));
      int code = closeCodeOrEnd(client);
      if (code != CloseCodes.BAD_GATEWAY) {
        failures.add(v.name() + ": client closed with " + code);
      }
      try {
        upstreams.get(i).awaitHangUp(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
      } catch (AssertionError e) {
        failures.add(v.name() + ": the proxy kept the upstream connection");
      }
      client.close();
    }
    assertTrue(failures.isEmpty(), () -> failures.size() + " of " + violations.size()
        + " upstream violations answered wrongly (expected 1014):\n  " + String.join("\n  ", failures));
    awaitNoProxyConnections();
  }

  // ---------------------------------------------------------------- frozen peers

  @Test
  void cutsAClientThatStallsInsideAFrameHeaderAtTheKeepaliveAndClosesItsUpstreamWith1001()
      throws Exception {
    startKeepaliveProxy();
    RawClient client = connectRaw("/");
    UpstreamPeer.Conn up = upstream().awaitConnection(AWAIT);
    client.sendText("hello");
    assertEquals("hello", up.next(AWAIT));
    client.sendRaw(new byte[] {(byte) 0x81, (byte) 0x85}); // a masked text header, cut short
    long stalled = System.nanoTime();
    Close atUpstream = up.awaitClose(AWAIT);
    assertNoticedInTime(stalled, "a client stalled in a frame header");
    assertEquals(new Close(CloseCodes.GOING_AWAY, "Client unresponsive", true), atUpstream);
    awaitEnd(client);
    awaitNoProxyConnections();
  }

  @Test
  void cutsAFrozenClientAtTheKeepaliveAndClosesItsUpstreamWith1001() throws Exception {
    startKeepaliveProxy();
    upstream().echo(false);
    RawClient client = connectRaw("/");
    UpstreamPeer.Conn up = upstream().awaitConnection(AWAIT);
    client.sendText("last words");
    assertEquals("last words", up.next(AWAIT));
    long frozen = System.nanoTime(); // from here the client reads nothing and answers no ping
    up.send("unread");
    Close atUpstream = up.awaitClose(AWAIT);
    assertNoticedInTime(frozen, "a frozen client");
    assertEquals(new Close(CloseCodes.GOING_AWAY, "Client unresponsive", true), atUpstream);
    awaitNoProxyConnections();
  }

  @Test
  void cutsAFrozenUpstreamAtTheKeepaliveAndClosesItsClientWithTheUpstreamFailureCode()
      throws Exception {
    ScriptedUpstream frozen = scripted(ScriptedUpstream.answeringSwitchingThenFreezing());
    startProxy(b -> b.route("/", frozen.uri("").toString()).limits(KIT_LIMITS.toBuilder()
        .keepaliveInterval(HOSTILE_KEEPALIVE).build()));
    TestClient client = connect("/");
    long since = System.nanoTime(); // the upstream's 101 was its last sign of life
    client.sendText("into the void");
    Close atClient = client.awaitClose(AWAIT);
    assertNoticedInTime(since, "a frozen upstream");
    assertEquals(CloseCodes.BAD_GATEWAY, atClient.code(), () -> "client got " + atClient);
    assertEquals("Upstream unresponsive", atClient.reason());
    frozen.awaitHangUp(PROMPTLY);
    awaitNoProxyConnections();
  }

  // ---------------------------------------------------------------- helpers

  /** Routes {@code /victim/} to the echo upstream and everything else to {@code never}. */
  private void startHostileProxy(ScriptedUpstream never, Limits.Builder limits) throws Exception {
    String echo = upstream().uri("").toString();
    startProxy(b -> b.route("/victim/", echo).route("/", never.uri("").toString())
        .limits(limits.build()));
  }

  private void startKeepaliveProxy() throws Exception {
    String echo = upstream().uri("").toString();
    startProxy(b -> b.route("/", echo).limits(KIT_LIMITS.toBuilder()
        .keepaliveInterval(HOSTILE_KEEPALIVE).build()));
  }

  private static void assertNoticedInTime(long sinceNanos, String what) {
    Duration took = Duration.ofNanos(System.nanoTime() - sinceNanos);
    assertTrue(took.compareTo(FROZEN_NOTICED) <= 0, () -> what + " was cut after " + took
        + ", later than two keepalive intervals (" + HOSTILE_KEEPALIVE + ") and slack");
    assertTrue(took.compareTo(FROZEN_NOT_BEFORE) >= 0, () -> what + " was cut after " + took
        + ", before its ping could be answered");
  }

  /** Whether a new client at {@code /victim/} is served: a message there and back. */
  private boolean echoesOnce() {
    try (TestClient c = TestClient.connect(proxyUri("/victim/"))) {
      c.sendText("again");
      return "again".equals(c.next(AWAIT));
    } catch (Exception | AssertionError e) {
      return false; // refused while the cap still counts the closing sockets
    }
  }

  /** A plain TCP connection to the proxy that has sent nothing yet. */
  private Socket openSocket() throws IOException {
    Socket s = register(new Socket());
    s.connect(new InetSocketAddress("127.0.0.1", proxyPort()), (int) AWAIT.toMillis());
    return s;
  }

  /**
   * Sends a valid upgrade request for {@code path} one byte every {@link #SLOWLORIS_BYTE_INTERVAL}
   * until the proxy closes the connection; answers how long after connecting it did. Fails if it
   * is still open once the whole head was sent, or after the handshake timeout and
   * {@link #PROMPTLY}.
   */
  private Duration slowloris(String path) throws IOException {
    Socket s = openSocket();
    long start = System.nanoTime();
    s.setSoTimeout((int) SLOWLORIS_BYTE_INTERVAL.toMillis()); // the read paces the bytes
    byte[] head = HostileRequests.valid(path, proxyPort()).getBytes(StandardCharsets.US_ASCII);
    long deadline = start + HOSTILE_HANDSHAKE_TIMEOUT.plus(PROMPTLY).toNanos();
    OutputStream out = s.getOutputStream();
    InputStream in = s.getInputStream();
    for (int i = 0; i < head.length && System.nanoTime() < deadline; i++) {
      try {
        out.write(head[i]);
        out.flush();
        if (in.read() < 0) {
          return Duration.ofNanos(System.nanoTime() - start);
        }
        // an answer before the head is complete: read on to the end of the connection
      } catch (SocketTimeoutException pacing) {
        // the proxy said nothing for one interval: the next byte
      } catch (SocketException closed) {
        return Duration.ofNanos(System.nanoTime() - start); // reset, or a write after its close
      }
    }
    throw new AssertionError("a slowloris is still connected "
        + Duration.ofNanos(System.nanoTime() - start) + " after connecting");
  }

  /** Reads until the proxy ends {@code s} (EOF or reset) within {@code within}; answers its bytes. */
  private static String awaitClosedByProxy(Socket s, Duration within) throws IOException {
    long deadline = System.nanoTime() + within.toNanos();
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    byte[] buf = new byte[1024];
    while (true) {
      long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
      s.setSoTimeout((int) left);
      try {
        int n = s.getInputStream().read(buf);
        if (n < 0) {
          return got.toString(StandardCharsets.US_ASCII);
        }
        got.write(buf, 0, n);
      } catch (SocketTimeoutException e) {
        throw new AssertionError("still open after " + within + ", sent: "
            + got.toString(StandardCharsets.US_ASCII));
      } catch (SocketException reset) {
        return got.toString(StandardCharsets.US_ASCII);
      }
    }
  }

  /** Waits until one of {@code sockets} is ended by the proxy; answers what it sent first. */
  private static String awaitOneClosedByProxy(List<Socket> sockets, Duration within)
      throws IOException {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      for (Socket s : sockets) {
        try {
          return awaitClosedByProxy(s, Duration.ofMillis(20));
        } catch (AssertionError stillOpen) {
          // the next one
        }
      }
    }
    throw new AssertionError("none of " + sockets.size() + " sockets was refused within " + within);
  }

  /** Sends {@code request} on a new connection; answers the response head. */
  private String exchange(String request) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", proxyPort()), (int) AWAIT.toMillis());
      s.setSoTimeout((int) AWAIT.toMillis());
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      return HttpHead.read(s.getInputStream());
    }
  }

  /**
   * The code of the proxy's close frame; 1006 if the connection ended without one, -1 if nothing
   * came within the client's read timeout ({@link #AWAIT}).
   */
  private static int closeCodeOrEnd(RawClient client) throws IOException {
    try {
      return client.readCloseCode();
    } catch (SocketTimeoutException e) {
      return -1;
    } catch (AssertionError | SocketException e) {
      return CloseCodes.ABNORMAL;
    }
  }

  /** Reads (and drops) what the proxy sends until it ends the connection. */
  private static void awaitEnd(RawClient client) throws IOException {
    closeCodeOrEnd(client);
  }
}
