package io.wsproxy.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.CloseCodes;
import io.wsproxy.Limits;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Memory per connection is bounded by the message limit whatever the framing: a peer sending a
 * message as one-byte fragments (each a 7-byte frame from a client, 3 from a server) that it never
 * finishes holds about one byte of the proxy's heap per fragment, not a buffer object per fragment,
 * and is closed with 1009 once the fragments reach the limit. Both legs: a client's fragments
 * and an upstream's. Others keep being served. Nor may a client flooding pings while it reads
 * nothing make the proxy queue a pong for each. Not meant to be extended directly.
 *
 * <p>The heap cases read the {@linkplain HeapAfterGc heap live after a collection} before and
 * after the fragments; a ping behind the fragments, answered by the proxy's transport with a pong,
 * proves they were all read first. The budget ({@link #HEAP_BYTES_PER_FRAGMENT}) is generous against noise and far below
 * the ~86 bytes per fragment Java-WebSocket 1.6.0 kept before its fragments were joined as they
 * came.
 */
public abstract class MemoryBoundsConformanceCases extends HostileInputConformanceCases {

  /** The message (and frame) limit of the 1009 cases. */
  static final int FLOOD_LIMIT = 64 * Limits.KIB;
  /** Fragments a flooder writes at most: the limit is reached after {@code FLOOD_LIMIT + 1}. */
  static final long MAX_FLOOD_FRAGMENTS = 2L * FLOOD_LIMIT;
  /** The message limit of the heap cases, and the fragments each of their peers leaves pending. */
  static final int HEAP_LIMIT = 128 * Limits.KIB;
  static final int HEAP_FRAGMENTS = HEAP_LIMIT - 1024;
  /** Peers of the heap cases, each holding an unfinished message at once. */
  static final int HEAP_PEERS = 4;
  /** Heap the proxy may use per pending one-byte fragment (one byte of payload, plus slack). */
  static final long HEAP_BYTES_PER_FRAGMENT = 16;

  /** Pings of the ping-flood case (16 MiB on the wire), and the heap the proxy may use for them. */
  static final long FLOOD_PINGS = 128_000;
  static final long PING_FLOOD_HEAP_BUDGET = 4L * Limits.MIB;

  private static final byte[] SYNC = "sync".getBytes(StandardCharsets.US_ASCII);

  private Limits limitsOf(int messageLimit) {
    return KIT_LIMITS.toBuilder().maxFrameSize(messageLimit).maxMessageSize(messageLimit).build();
  }

  @Test
  void closesAClientSendingAnEndlessMessageOfOneByteFragmentsWith1009AndServesOthers()
      throws Exception {
    String target = upstream().uri("").toString();
    startProxy(b -> b.route("/", target).limits(limitsOf(FLOOD_LIMIT)));
    TestClient bystander = connect("/");
    UpstreamPeer.Conn bystanderUp = roundTrip(bystander);
    FragmentFlood offender = register(FragmentFlood.client(proxyPort(), "/", AWAIT));
    UpstreamPeer.Conn offenderUp = upstream().awaitConnection(AWAIT);

    offender.send(MAX_FLOOD_FRAGMENTS); // stops early when the proxy has closed the connection
    assertEquals(CloseCodes.MESSAGE_TOO_BIG, offender.readCloseCode(),
        "close code after " + offender.sent() + " one-byte fragments");
    offenderUp.awaitClose(PROMPTLY);
    assertTrue(offenderUp.receivedNothing(), "nothing of the unfinished message reached upstream");

    bystander.sendText("still served");
    assertEquals("still served", bystanderUp.next(AWAIT));
    assertEquals("still served", bystander.next(AWAIT));
  }

  @Test
  void closesTheClientWith1009WhenTheUpstreamSendsAnEndlessMessageOfOneByteFragments()
      throws Exception {
    FragmentFlood.Upstream flooding = startFloodingUpstreamProxy(limitsOf(FLOOD_LIMIT), false);
    TestClient bystander = connect("/");
    roundTrip(bystander);
    TestClient client = connect("/flood");
    FragmentFlood up = register(flooding.awaitConnection(AWAIT));

    up.send(MAX_FLOOD_FRAGMENTS);
    assertEquals(CloseCodes.MESSAGE_TOO_BIG, client.awaitClose(PROMPTLY).code(),
        "the client's close code after " + up.sent() + " one-byte fragments upstream");

    bystander.sendText("still served");
    assertEquals("still served", bystander.next(AWAIT));
  }

  @Test
  void holdsClientsUnfinishedMessagesOfOneByteFragmentsInAboutTheirBytesOfHeap() throws Exception {
    String target = upstream().uri("").toString();
    startProxy(b -> b.route("/", target).limits(limitsOf(HEAP_LIMIT)));
    List<FragmentFlood> clients = new ArrayList<>();
    for (int i = 0; i < HEAP_PEERS; i++) {
      clients.add(register(FragmentFlood.client(proxyPort(), "/", AWAIT)));
      upstream().awaitConnection(AWAIT);
    }
    assertHeapGrowthWithinBudget(clients);
  }

  @Test
  void holdsUpstreamsUnfinishedMessagesOfOneByteFragmentsInAboutTheirBytesOfHeap()
      throws Exception {
    FragmentFlood.Upstream flooding = register(new FragmentFlood.Upstream());
    startProxy(b -> b.route("/", flooding.uri()).limits(limitsOf(HEAP_LIMIT)));
    List<FragmentFlood> upstreams = new ArrayList<>();
    for (int i = 0; i < HEAP_PEERS; i++) {
      connect("/");
      upstreams.add(register(flooding.awaitConnection(AWAIT)));
    }
    assertHeapGrowthWithinBudget(upstreams);
  }

  /**
   * A client that floods pings and reads nothing must not make the proxy queue a pong for each:
   * RFC 6455 5.5.3 lets it answer only the latest, and a transport that answers them all anyway
   * must stop when the client does not read. The sender runs on its own thread, since the proxy
   * may stop reading the client instead (which bounds the pongs too).
   */
  @Test
  void doesNotQueueAPongForEveryPingOfAClientThatReadsNothing() throws Exception {
    startEchoProxy();
    FragmentFlood client = register(FragmentFlood.nonReadingClient(proxyPort(), "/", AWAIT));
    upstream().awaitConnection(AWAIT);
    long before = HeapAfterGc.used();
    Thread sender = new Thread(() -> client.sendPings(FLOOD_PINGS), "ping-flood");
    sender.setDaemon(true);
    sender.start();
    sender.join(PROMPTLY.toMillis()); // a proxy that stops reading leaves the sender blocked
    long grown = HeapAfterGc.used() - before;
    assertTrue(grown < PING_FLOOD_HEAP_BUDGET, () -> "the heap grew by " + grown + " bytes for "
        + client.pingsWritten() + " pings (" + FragmentFlood.PING_PAYLOAD + " bytes each) of a "
        + "client that reads nothing; budget " + PING_FLOOD_HEAP_BUDGET);
    client.close(); // unblocks the sender
    sender.join(PROMPTLY.toMillis());
  }

  /**
   * Starts a proxy (on the {@linkplain #startSingleLoopProxyServer single-loop server} when
   * {@code oneLoop}) routing {@code /flood} to a new flooding upstream, which it answers, and every
   * other path to the echo upstream.
   */
  FragmentFlood.Upstream startFloodingUpstreamProxy(Limits limits, boolean oneLoop)
      throws Exception {
    FragmentFlood.Upstream flooding = register(new FragmentFlood.Upstream());
    String echo = upstream().uri("").toString();
    java.util.function.Consumer<io.wsproxy.WebSocketProxy.Builder> config =
        b -> b.route("/flood", flooding.uri()).route("/", echo).limits(limits);
    if (oneLoop) {
      startSingleLoopProxy(config);
    } else {
      startProxy(config);
    }
    return flooding;
  }

  /** Each peer sends {@link #HEAP_FRAGMENTS}; the proxy's heap may grow by the budget for them. */
  private void assertHeapGrowthWithinBudget(List<FragmentFlood> peers) throws Exception {
    for (FragmentFlood p : peers) {
      p.pingAndAwaitPong(SYNC); // open and read: what the proxy holds per connection is in
    }
    long before = HeapAfterGc.used();
    for (FragmentFlood p : peers) {
      assertTrue(p.send(HEAP_FRAGMENTS),
          () -> "the proxy closed a connection below its message limit: " + p.state());
      p.pingAndAwaitPong(SYNC); // the pong follows the fragments: the proxy has read them all
    }
    long grown = HeapAfterGc.used() - before;
    long fragments = (long) HEAP_FRAGMENTS * peers.size();
    assertTrue(grown < fragments * HEAP_BYTES_PER_FRAGMENT, () -> "the heap grew by " + grown
        + " bytes for " + fragments + " pending one-byte fragments ("
        + grown / fragments + " bytes each; budget " + HEAP_BYTES_PER_FRAGMENT + ")");
    assertEquals(peers.size(), proxy().connectionCount(), "every connection is still open");
  }
}
