package io.wsproxy.javawebsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.CloseCodes;
import io.wsproxy.Limits;
import io.wsproxy.RejectionMode;
import io.wsproxy.conformance.TestLog;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * What a misbehaving client gets from the adapter: RFC 6455's close code with the adapter's own
 * reason, one DEBUG line, and never an ERROR or a stack trace in the log (Java-WebSocket logs its
 * own decoding failures as ERROR with stack traces).
 */
@Isolated // reads the log
class StrictFramingTest {

  private static final long WAIT = JdkClient.TIMEOUT.toSeconds();
  private static final int FRAME_LIMIT = 64 * Limits.KIB;

  private JavaWebSocketEndpointServer server;
  private TestEndpoint endpoint;

  @BeforeEach
  void start() throws Exception {
    endpoint = new TestEndpoint(Limits.builder().maxFrameSize(FRAME_LIMIT).build(),
        RejectionMode.HTTP_STATUS);
    server = JavaWebSocketEndpointServer.start(new InetSocketAddress("127.0.0.1", 0), endpoint);
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  private E2eRawClient client() throws Exception {
    return E2eRawClient.upgrade(server.port(), "/echo");
  }

  /** Runs {@code block} and asserts it logged no ERROR, WARN or stack trace. */
  private static void quietly(TestLog.Action block) throws Exception {
    String log = TestLog.during(block);
    assertFalse(log.contains("ERROR") || log.contains("WARN") || log.contains("\tat "), log);
  }

  @Test
  void closesAClientThatSendsAnUnmaskedFrameWith1002() throws Exception {
    quietly(() -> {
      try (E2eRawClient c = client()) {
        RecordingListener listener = endpoint.opened.poll(WAIT, TimeUnit.SECONDS);
        c.sendUnmaskedText("not masked");
        assertEquals(E2eRawClient.Answer.closed(CloseCodes.PROTOCOL_ERROR, "Protocol error"),
            c.answer());
        assertTrue(listener.texts.isEmpty(), "the unmasked frame is not relayed");
        assertEquals(CloseCodes.PROTOCOL_ERROR,
            listener.closed.get(WAIT, TimeUnit.SECONDS).code());
      }
    });
  }

  @Test
  void closesAClientWhoseCloseReasonIsInvalidUtf8With1007AndRelaysNothingAfterIt()
      throws Exception {
    quietly(() -> {
      try (E2eRawClient c = client()) {
        RecordingListener listener = endpoint.opened.poll(WAIT, TimeUnit.SECONDS);
        c.sendClose(CloseCodes.NORMAL, new byte[] {(byte) 0xC3, (byte) 0x28}); // invalid UTF-8
        c.sendText("after the close");
        assertEquals(E2eRawClient.Answer.closed(CloseCodes.INVALID_PAYLOAD, "Invalid UTF-8"),
            c.answer());
        assertEquals(CloseCodes.INVALID_PAYLOAD,
            listener.closed.get(WAIT, TimeUnit.SECONDS).code());
        assertTrue(listener.texts.isEmpty(), listener.texts.toString());
      }
    });
  }

  @Test
  void closesAClientThatSendsInvalidUtf8TextWith1007() throws Exception {
    quietly(() -> {
      try (E2eRawClient c = client()) {
        c.sendFrameWithFirstByte(0x81, new byte[] {'o', 'k', (byte) 0xFF});
        assertEquals(E2eRawClient.Answer.closed(CloseCodes.INVALID_PAYLOAD, "Invalid UTF-8"),
            c.answer());
      }
    });
  }

  @Test
  void closesAClientThatSendsAReservedOpcodeOrReservedBitsWith1002() throws Exception {
    quietly(() -> {
      for (int firstByte : new int[] {0x83, 0x8B, 0xC1, 0x09 /* a fragmented ping */}) {
        try (E2eRawClient c = client()) {
          c.sendFrameWithFirstByte(firstByte, "x".getBytes(StandardCharsets.UTF_8));
          assertEquals(E2eRawClient.Answer.closed(CloseCodes.PROTOCOL_ERROR, "Protocol error"),
              c.answer(), "first byte " + Integer.toHexString(firstByte));
        }
      }
    });
  }

  @Test
  void closesAClientThatSendsAContinuationWithoutAStartWith1002() throws Exception {
    quietly(() -> {
      try (E2eRawClient c = client()) {
        c.sendFrameWithFirstByte(0x80, "orphan".getBytes(StandardCharsets.UTF_8));
        assertEquals(E2eRawClient.Answer.closed(CloseCodes.PROTOCOL_ERROR, "Protocol error"),
            c.answer());
      }
    });
  }

  @Test
  void closesAnOversizedFrameWithItsOwnReasonNotJavaWebSocketsWording() throws Exception {
    quietly(() -> {
      try (E2eRawClient c = client()) {
        c.sendForgedBinaryHeader(FRAME_LIMIT + 1);
        assertEquals(E2eRawClient.Answer.closed(CloseCodes.MESSAGE_TOO_BIG, "Message too big"),
            c.answer());
      }
    });
  }

  @Test
  void deliversTheMessagesBeforeABadFrameInTheSameRead() throws Exception {
    try (E2eRawClient c = client()) {
      RecordingListener listener = endpoint.opened.poll(WAIT, TimeUnit.SECONDS);
      byte[] good = maskedText("before");
      byte[] bad = {(byte) 0x81, 3, 'b', 'a', 'd'}; // unmasked
      byte[] both = new byte[good.length + bad.length];
      System.arraycopy(good, 0, both, 0, good.length);
      System.arraycopy(bad, 0, both, good.length, bad.length);
      c.sendRaw(both);
      assertEquals("before", listener.texts.poll(WAIT, TimeUnit.SECONDS));
      assertEquals(CloseCodes.PROTOCOL_ERROR, listener.closed.get(WAIT, TimeUnit.SECONDS).code());
    }
  }

  @Test
  void acceptsMessagesUpToTheMessageLimitInFramesUpToTheFrameLimit() throws Exception {
    server.stop();
    endpoint = new TestEndpoint(Limits.builder().maxFrameSize(Limits.KIB)
        .maxMessageSize(8 * Limits.KIB).build(), RejectionMode.HTTP_STATUS);
    server = JavaWebSocketEndpointServer.start(new InetSocketAddress("127.0.0.1", 0), endpoint);
    try (E2eRawClient c = client()) {
      String part = "y".repeat(Limits.KIB);
      c.sendFragments(part, part, part, part); // 4 KiB: over the frame limit, within the message's
      assertEquals(part.repeat(4), c.nextText());
      c.sendFragments(part, part, part, part, part, part, part, part, "z");
      assertEquals(CloseCodes.MESSAGE_TOO_BIG, c.answer().closeCode());
    }
  }

  private static byte[] maskedText(String text) {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    byte[] mask = {1, 2, 3, 4};
    byte[] frame = new byte[2 + 4 + payload.length];
    frame[0] = (byte) 0x81;
    frame[1] = (byte) (0x80 | payload.length);
    System.arraycopy(mask, 0, frame, 2, 4);
    for (int i = 0; i < payload.length; i++) {
      frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
    }
    return frame;
  }
}
