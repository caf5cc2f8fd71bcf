package io.wsproxy.conformance;

import static io.wsproxy.conformance.GatewayCalls.assertResponsive;
import static io.wsproxy.conformance.GatewayCalls.call;
import static io.wsproxy.conformance.GatewayCalls.probe;
import static io.wsproxy.conformance.GatewayCalls.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.wsproxy.Limits;
import io.wsproxy.gateway.ClientInfo;
import io.wsproxy.gateway.Gateway;
import io.wsproxy.gateway.GatewayListener;
import io.wsproxy.spi.UpstreamConnector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The gateway broadcast storm of issue 11 over real sockets, scaled to run in seconds: 500 members
 * in one room, 5,000 broadcasts of about 4 KiB from five senders. The 490 members that never read
 * are dropped with 1008 "Slow consumer" once their backlog passes the gateway's bound; the ten that
 * read get every broadcast in order; another client's {@code system.health} is answered within a
 * second throughout; and afterwards the used heap returns near its pre-storm baseline.
 *
 * <p>A server transport's tests run it by extending this class and implementing
 * {@link #startProxyServer} (once per server transport: the storm uses no upstream, so it is not
 * part of the kit's six combinations).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class GatewayStormCases extends ConformanceFixture {

  /** The room of the storm. */
  static final String ROOM = "storm";
  /** Members of the room: the senders, the readers, and the rest, which never read. */
  static final int MEMBERS = 500;
  /** Members that broadcast (and read what the others broadcast). */
  static final int SENDERS = 5;
  /** Members that only read. */
  static final int READERS = 5;
  /** Broadcasts in the storm, shared among the senders. */
  static final int BROADCASTS = 5_000;
  /**
   * Characters of padding per broadcast: about 4 KiB per event, 20 MB toward each member in all.
   * On loopback the kernel buffers a few MiB for a connection that does not read (the server's
   * send buffer grows with loopback's 64 KiB segments), so the events must be large enough for a
   * non-reader's backlog to reach the gateway's bound early in the storm.
   */
  static final int PADDING_CHARS = 4_000;
  /**
   * The gateway's backlog bound per client in the storm: half the default, five times what a
   * round queues toward a reader (25 broadcasts of 4 KiB), so that a reader's backlog stays far
   * below it even while the server's threads lag behind.
   */
  static final long BACKLOG_BYTES = 512 * Limits.KIB;
  /**
   * Broadcasts each sender sends in one round; the next round starts once every reader has the
   * round's broadcasts. The readers here are JDK clients sharing one selector thread (and two cores
   * with the server), so senders that never waited would outrun them and they would be dropped as
   * slow consumers too, rightly; and what a round queues toward the non-readers (a few MiB of
   * loopback socket buffer each before their backlog even starts) stays a round's work for the
   * server's threads rather than a queue as deep as the whole storm.
   */
  static final int WINDOW = 5;
  /** Non-readers that read their socket after the storm to find the close frame. */
  static final int NON_READERS_CHECKED_ON_THE_WIRE = 5;
  /**
   * Close timeout of the storm's gateway: long, so a dropped non-reader's close frame (queued behind
   * its backlog) is still there when the test reads it.
   */
  static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
  /**
   * How far above its pre-storm baseline the used heap (after a full GC) may stay once the storm
   * is over and the non-readers are gone: 64 MiB. Nothing of the storm needs to outlive it (the
   * readers' backlogs are drained), and one encoded copy of every broadcast is 20 MB. Without a
   * per-client bound each of the 490 non-readers would hold the rest of its 20 MB (far past the
   * test JVM's 1 GiB heap); their bounded backlogs, kept instead of released, would still be about
   * 245 MiB on a transport that copies each member's frames.
   */
  static final long HEAP_SLACK_BYTES = 64L * Limits.MIB;

  /** The storm uses no upstream. */
  @Override
  protected UpstreamConnector newUpstreamConnector() {
    throw new UnsupportedOperationException("the gateway storm dials no upstream");
  }

  @Test
  void gatewayDropsTheMembersThatDoNotReadABroadcastStormAndStaysResponsive() throws Exception {
    AtomicInteger slowDropped = new AtomicInteger();
    List<String> otherCloses = Collections.synchronizedList(new ArrayList<>());
    Gateway gateway = startGateway(b -> b.maxQueuedBytesPerClient(BACKLOG_BYTES)
        .rateLimit(1e9, BROADCASTS) // the senders storm; the rate limit would stop them
        .limits(Gateway.DEFAULT_LIMITS.toBuilder().closeTimeout(CLOSE_TIMEOUT).build())
        .listener(new GatewayListener() {
          @Override
          public void clientDisconnected(ClientInfo client, int code, String reason) {
            if (code == Gateway.CLOSE_SLOW_CONSUMER
                && Gateway.SLOW_CONSUMER_REASON.equals(reason)) {
              slowDropped.incrementAndGet();
            } else {
              otherCloses.add(code + " " + reason);
            }
          }
        }));
    String join = "{\"sessionId\":\"" + ROOM + "\"}";
    int nonReaders = MEMBERS - SENDERS - READERS;
    List<RawClient> silent = new ArrayList<>();
    for (int i = 0; i < nonReaders; i++) {
      RawClient c = register(RawClient.connect(proxyPort(), "/", AWAIT,
          GatewayCalls.NON_READER_RECEIVE_BUFFER));
      c.sendText(request(i, "rooms.join", join));
      silent.add(c);
    }
    List<TestClient> members = new ArrayList<>(); // the senders first
    for (int i = 0; i < SENDERS + READERS; i++) {
      TestClient c = connect("/");
      assertTrue(call(c, 0, "rooms.join", join).has("result"));
      members.add(c);
    }
    assertTrue(ThreadLeaks.await(AWAIT, () -> gateway.session(ROOM)
        .map(s -> s.members().size()).orElse(0) == MEMBERS), "every member joined");
    TestClient prober = connect("/");
    assertTrue(call(prober, 0, "system.health", "{}").has("result"));
    long baseline = HeapAfterGc.used();

    AtomicBoolean over = new AtomicBoolean();
    ExecutorService probeThread = Executors.newSingleThreadExecutor();
    register(probeThread::shutdownNow);
    CompletableFuture<long[]> probed = probe(prober, over, probeThread);
    int perSender = BROADCASTS / SENDERS;
    String padding = "p".repeat(PADDING_CHARS);
    Tally tally = new Tally(members);
    for (int round = 0; round < perSender; round += WINDOW) {
      for (int seq = round; seq < round + WINDOW; seq++) {
        for (int s = 0; s < SENDERS; s++) {
          members.get(s).sendText(request(seq + 1, "rooms.broadcast", "{\"sessionId\":\"" + ROOM
              + "\",\"data\":{\"sender\":" + s + ",\"seq\":" + seq + ",\"pad\":\"" + padding
              + "\"}}"));
        }
      }
      for (int s = 0; s < SENDERS; s++) {
        tally.untilReplies(s, round + WINDOW);
      }
      for (int m = 0; m < members.size(); m++) {
        tally.untilBroadcasts(m, round + WINDOW);
      }
    }
    over.set(true); // every broadcast is answered, so it has been fanned out
    long[] probes = Awaits.get(probed, AWAIT, "health probe");
    assertTrue(ThreadLeaks.await(AWAIT, () -> slowDropped.get() == nonReaders),
        () -> slowDropped.get() + " of " + nonReaders + " non-readers dropped as slow consumers; "
            + "other closes: " + otherCloses);
    assertEquals(List.of(), otherCloses, "only the non-readers were closed");
    assertEquals(SENDERS + READERS, gateway.session(ROOM).orElseThrow().members().size(),
        "the readers are still members");
    for (int i = 0; i < NON_READERS_CHECKED_ON_THE_WIRE; i++) {
      assertEquals(Gateway.CLOSE_SLOW_CONSUMER, silent.get(i).readCloseCode(),
          "a non-reader that reads after all finds the close frame behind its backlog");
    }
    for (RawClient c : silent) {
      c.close();
    }
    long[] used = {0};
    assertTrue(ThreadLeaks.await(AWAIT,
            () -> (used[0] = HeapAfterGc.used()) <= baseline + HEAP_SLACK_BYTES),
        () -> "used heap after the storm " + used[0] / Limits.MIB + " MiB, before it "
            + baseline / Limits.MIB + " MiB (slack " + HEAP_SLACK_BYTES / Limits.MIB + " MiB)");
    assertResponsive(probes, "the storm");
  }

  /** What each member has received: its broadcast replies, and the next seq due from each sender. */
  private static final class Tally {
    final List<TestClient> members;
    final int[][] next;
    final int[] replies;

    Tally(List<TestClient> members) {
      this.members = members;
      this.next = new int[members.size()][SENDERS];
      this.replies = new int[members.size()];
    }

    void untilReplies(int m, int count) throws Exception {
      while (replies[m] < count) {
        take(m);
      }
    }

    /** Takes member {@code m}'s messages until it has the first {@code count} of every other sender. */
    void untilBroadcasts(int m, int count) throws Exception {
      for (int s = 0; s < SENDERS; s++) {
        while (next[m][s] < (s == m ? 0 : count)) {
          take(m);
        }
      }
    }

    /** Takes member {@code m}'s next message: a reply, a broadcast (next in its sender's order) or presence. */
    private void take(int m) throws Exception {
      TestClient member = members.get(m);
      String raw;
      try {
        raw = (String) member.next(AWAIT);
      } catch (AssertionError e) {
        throw new AssertionError("member " + m + " got no more messages; closed: "
            + member.closed().getNow(null), e);
      }
      if (raw.startsWith("{\"jsonrpc\"")) {
        JsonObject reply = JsonParser.parseString(raw).getAsJsonObject();
        assertTrue(reply.has("result"), () -> "member " + m + " got " + reply);
        replies[m]++;
        return;
      }
      if (!raw.startsWith("{\"event\":\"" + Gateway.SESSION_MESSAGE_EVENT + "\"")) {
        return; // presence of a later joiner
      }
      int sender = number(raw, "\"sender\":");
      int seq = number(raw, "\"seq\":");
      assertEquals(next[m][sender], seq,
          () -> "member " + m + ": broadcasts of sender " + sender + " arrive all and in order");
      next[m][sender]++;
    }

    /** The integer after {@code key} (the events are 4 KiB; a full parse of each is wasted work). */
    private static int number(String raw, String key) {
      int at = raw.indexOf(key) + key.length();
      int end = at;
      while (Character.isDigit(raw.charAt(end))) {
        end++;
      }
      return Integer.parseInt(raw, at, end, 10);
    }
  }
}
