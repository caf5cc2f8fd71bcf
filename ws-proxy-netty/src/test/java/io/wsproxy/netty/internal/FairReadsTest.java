package io.wsproxy.netty.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link FairReads} hands the decoder at most its budget of frames per event-loop turn (a turn
 * here: the read itself, then each run of the loop's due scheduled tasks), the rest in later turns
 * in order, with reading off until all is handed on; a peer's pause holds both reading and the
 * rest. On an {@link EmbeddedChannel}, whose loop runs scheduled tasks only when told.
 */
class FairReadsTest {

  private static final int BUDGET = 100;
  private static final int FRAMES = 1050;

  private final EmbeddedChannel ch = new EmbeddedChannel();
  private final FairReads fair = new FairReads(ch, true, BUDGET);
  private final List<Integer> payloads = new ArrayList<>(); // first byte of each decoded frame
  private int readCompletes; // behind the decoder

  FairReadsTest() {
    ch.pipeline().addLast(fair, new WebSocket13FrameDecoder(Framing.decoderConfig(true, 1 << 20)),
        new ChannelInboundHandlerAdapter() {
          @Override
          public void channelReadComplete(ChannelHandlerContext ctx) {
            readCompletes++;
          }
        });
  }

  /** {@code count} one-byte client frames in one buffer, frame {@code i} carrying {@code i}. */
  private static ByteBuf oneByteFrames(int count) {
    EmbeddedChannel encoder = new EmbeddedChannel(MaskingFrameEncoder.INSTANCE);
    ByteBuf all = Unpooled.directBuffer();
    for (int i = 0; i < count; i++) {
      encoder.writeOutbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {(byte) i})));
      ByteBuf b = encoder.readOutbound();
      all.writeBytes(b);
      b.release();
    }
    return all;
  }

  /** One read: the buffer, then the end of the read batch, as a channel's read loop fires them. */
  private void read(ByteBuf bytes) {
    ch.pipeline().fireChannelRead(bytes);
    ch.pipeline().fireChannelReadComplete();
  }

  /** The frames decoded since the last call; checks each carries the next number. */
  private int decoded() {
    int n = 0;
    WebSocketFrame f;
    while ((f = ch.readInbound()) != null) {
      assertEquals((byte) payloads.size(), f.content().getByte(0), "frame " + payloads.size());
      payloads.add((int) f.content().getByte(0));
      f.release();
      n++;
    }
    return n;
  }

  @Test
  void handsOnAtMostItsBudgetPerTurnAndTheRestInOrderInLaterTurns() {
    read(oneByteFrames(FRAMES));
    assertEquals(BUDGET, decoded(), "frames of the read's own turn");
    assertFalse(ch.config().isAutoRead(), "reading waits while frames are held");
    int turns = 1;
    while (payloads.size() < FRAMES) {
      ch.runScheduledPendingTasks();
      int n = decoded();
      assertTrue(n > 0 && n <= BUDGET, "turn " + turns + " handed on " + n);
      turns++;
      assertTrue(turns <= FRAMES / BUDGET + 1, "too many turns: " + turns);
    }
    assertEquals((FRAMES + BUDGET - 1) / BUDGET, turns);
    ch.runScheduledPendingTasks();
    assertTrue(ch.config().isAutoRead(), "reading resumes once all is handed on");
    assertFalse(ch.finish());
  }

  @Test
  void aReadWithinTheBudgetGoesThroughWholeAndTheNextReadHasABudgetOfItsOwn() {
    ByteBuf all = oneByteFrames(2 * (BUDGET - 1));
    read(all.readRetainedSlice(7 * (BUDGET - 1)));
    assertEquals(BUDGET - 1, decoded());
    assertTrue(ch.config().isAutoRead());
    read(all); // one budget would have ended after its first frame
    assertEquals(BUDGET - 1, decoded(), "the second read went through whole");
    assertTrue(ch.config().isAutoRead());
    assertFalse(ch.finish());
  }

  @Test
  void aPausedPeerHoldsTheRestAndReadingUntilItResumes() {
    read(oneByteFrames(FRAMES));
    assertEquals(BUDGET, decoded());
    fair.peerPaused(true);
    ch.runScheduledPendingTasks();
    assertEquals(0, decoded(), "nothing handed on while the peer is paused");
    assertFalse(ch.config().isAutoRead());
    fair.peerPaused(false);
    assertFalse(ch.config().isAutoRead(), "still holding frames: reading stays off");
    while (payloads.size() < FRAMES) {
      ch.runScheduledPendingTasks();
      assertTrue(decoded() <= BUDGET);
    }
    ch.runScheduledPendingTasks();
    assertTrue(ch.config().isAutoRead());
    fair.peerPaused(true);
    assertFalse(ch.config().isAutoRead(), "the peer's pause alone holds reading off");
    assertFalse(ch.finish());
  }

  @Test
  void bytesReadWhileFramesAreHeldComeAfterThem() {
    ByteBuf all = oneByteFrames(3 * BUDGET);
    read(all.readRetainedSlice(7 * (5 * BUDGET / 2))); // 250 frames; the last 50 stay in all
    assertEquals(BUDGET, decoded());
    int completes = readCompletes;
    read(all); // a read the decoder asked for itself, while frames are held
    assertEquals(0, decoded());
    // told of a batch it got nothing of, with reading off, the decoder would ask for another read
    assertEquals(completes, readCompletes, "the decoder did not hear of the batch it got nothing of");
    while (payloads.size() < 3 * BUDGET) {
      ch.runScheduledPendingTasks();
      assertTrue(decoded() <= BUDGET);
    }
    assertFalse(ch.finish());
  }

  @Test
  void aFrameSplitAcrossTwoReadsOfOneBatchCountsWhereItEnds() {
    ByteBuf all = oneByteFrames(BUDGET + 1);
    ch.pipeline().fireChannelRead(all.readRetainedSlice(7 * BUDGET - 3)); // into frame BUDGET - 1
    assertEquals(BUDGET - 1, decoded());
    read(all);
    assertEquals(1, decoded(), "the budget's last frame; the read is cut behind it");
    assertFalse(ch.config().isAutoRead());
    ch.runScheduledPendingTasks();
    assertEquals(1, decoded());
    assertTrue(ch.config().isAutoRead());
    assertFalse(ch.finish());
  }
}
