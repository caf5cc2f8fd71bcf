package io.wsproxy.jdk.internal;

import io.wsproxy.CloseCodes;
import io.wsproxy.spi.UpstreamConnectException;
import io.wsproxy.spi.UpstreamRequest;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsListener;
import io.wsproxy.internal.Scheduler;
import io.wsproxy.jdk.internal.SendQueue.Outbound;
import java.io.IOException;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link io.wsproxy.spi.WsChannel} over one {@link WebSocket}.
 *
 * <p><b>Reading</b> is demand-driven: one {@code request(1)} after each whole message the listener
 * returned from, none while paused (the JDK then stops reading the socket after at most one buffer).
 * Parts are joined by a {@link MessageAssembler} up to the request's message size.
 *
 * <p><b>Writing</b> goes through a {@link SendQueue}: one pending send at a time, in call order.
 *
 * <p><b>Closing.</b> The listener's {@code onClose} comes exactly once: with the upstream's code when
 * it answers our close or closes first ({@code remote} says which); with 1006 after {@code abort()},
 * an error, or a close the upstream left unanswered for the close timeout; with 1009 at once when
 * the upstream sent a message over the limit (the upstream is sent 1008, the JDK cannot send 1009).
 * A {@link LivenessProbe} ends connections the JDK lost without telling (onError, then 1006).
 *
 * <p><b>Threading.</b> Thread-safe. Listener calls go through a {@link SerialLane}: one at a time, on
 * a JDK, executor or timer thread, never from inside a call to one of this channel's methods.
 */
final class JdkWsChannel implements WsChannel {

  private static final Logger log = LoggerFactory.getLogger(JdkWsChannel.class);

  /** Largest ping or pong payload (RFC 6455 section 5.5). */
  static final int MAX_CONTROL_PAYLOAD_BYTES = 125;
  /** Reason reported and sent when the upstream's message is over the limit. */
  static final String TOO_BIG_REASON = "message too big";

  private final WebSocket ws;
  private final WsListener listener;
  private final String subprotocol;
  private final Duration closeTimeout;
  private final Scheduler timers;
  private final Runnable onEnd;
  private final SendQueue sends;
  private final SerialLane lane;
  /** Confined to the JDK's receive callbacks. */
  private final MessageAssembler assembler;
  private final LivenessProbe probe;

  /** Set once a close frame is queued, by us or as the answer to the upstream's. */
  private final AtomicBoolean closeStarted = new AtomicBoolean();
  /** Set once the end is claimed: the listener's onClose is (or, when refused, never will be) queued. */
  private final AtomicBoolean ended = new AtomicBoolean();
  /** Our close frame reached the socket. */
  private volatile boolean closeSent;

  private final Object demandLock = new Object();
  /** Guarded by demandLock: delivery paused by the caller. */
  private boolean paused;
  /** Guarded by demandLock: a request(1) held back by the pause. */
  private boolean owed;
  /** Guarded by demandLock: closing, so read on regardless of the pause to see the answer. */
  private boolean draining;

  private final Object timerLock = new Object();
  /** Guarded by timerLock: cuts the connection if the close handshake does not finish. */
  private ScheduledFuture<?> closeTimer;
  /** Guarded by timerLock: the connection is gone, no timer is needed any more. */
  private boolean timerDisarmed;

  /** Set by the lane task that reports the end; read and written only on the lane. */
  private boolean listenerClosed;

  /**
   * @param probeInterval see {@link LivenessProbe}; {@link Duration#ZERO} disables probing
   * @param onEnd         runs once, when the end is claimed (reported or not)
   */
  JdkWsChannel(WebSocket ws, WsListener listener, UpstreamRequest request, Scheduler timers,
      Executor callbacks, Duration probeInterval, Runnable onEnd) {
    this.ws = ws;
    this.listener = listener;
    String selected = ws.getSubprotocol();
    this.subprotocol = selected == null || selected.isEmpty() ? null : selected;
    this.closeTimeout = request.closeTimeout();
    this.timers = timers;
    this.onEnd = onEnd;
    this.sends = new SendQueue(ws, this::sendFailed);
    this.lane = new SerialLane(callbacks);
    this.assembler = new MessageAssembler(request.maxMessageSize());
    this.probe = new LivenessProbe(timers, probeInterval, this::readingPaused,
        () -> sendPing(LivenessProbe.payload()), this::probeFailed);
  }

  // ---- WsChannel ----

  @Override
  public void sendText(String text) {
    Objects.requireNonNull(text, "text");
    sends.offer(new Outbound(w -> w.sendText(text, true), MessageAssembler.utf8Length(text)));
  }

  @Override
  public void sendBinary(ByteBuffer data) {
    ByteBuffer view = Objects.requireNonNull(data, "data").duplicate(); // the caller's position stays
    sends.offer(new Outbound(w -> w.sendBinary(view, true), view.remaining()));
  }

  @Override
  public void sendPing(ByteBuffer data) {
    ByteBuffer view = control("ping data", data);
    sends.offer(new Outbound(w -> w.sendPing(view), view.remaining()));
  }

  @Override
  public void sendPong(ByteBuffer data) {
    ByteBuffer view = control("pong data", data);
    sends.offer(new Outbound(w -> w.sendPong(view), view.remaining()));
  }

  @Override
  public void close(int code, String reason) {
    if (ended.get()) {
      return;
    }
    startClose(CloseCodes.forTransport(code, CloseCodes::isSendableByJdkClient), sendableReason(reason));
  }

  @Override
  public void abort() {
    ws.abort();
    gone(false, null);
  }

  @Override
  public long queuedBytes() {
    return sends.queuedBytes();
  }

  @Override
  public String subprotocol() {
    return subprotocol;
  }

  @Override
  public boolean canSendCloseCode(int code) {
    return CloseCodes.isSendableByJdkClient(code);
  }

  @Override
  public boolean canPauseReading() {
    return true;
  }

  @Override
  public void pauseReading() {
    synchronized (demandLock) {
      paused = true;
    }
  }

  @Override
  public void resumeReading() {
    unblockReading(false);
  }

  // ---- events from the JDK (see JdkDialer), one at a time ----

  /** The upgrade succeeded: tell the listener, then the caller, then start reading. */
  void open(CompletableFuture<WsChannel> connected) {
    lane.run(() -> {
      if (connected.isDone()) { // the caller cancelled while the upgrade ran
        closeUnreported(CloseCodes.GOING_AWAY, "");
        return;
      }
      try {
        listener.onOpen(this);
      } catch (RuntimeException e) {
        log.warn("listener failed in onOpen; closing the upstream connection", e);
        closeUnreported(CloseCodes.INTERNAL_ERROR, "");
        connected.completeExceptionally(new UpstreamConnectException("listener failed in onOpen", e));
        return;
      }
      if (connected.complete(this)) {
        probe.start();
      } else {
        close(CloseCodes.GOING_AWAY, ""); // cancelled during onOpen: the listener hears onClose
      }
      requestNext();
    });
  }

  /** The connect failed after the upgrade (e.g. subprotocol): close without telling the listener. */
  void refuse(int code, String reason) {
    closeUnreported(CloseCodes.forTransport(code, CloseCodes::isSendableByJdkClient),
        sendableReason(reason));
  }

  void onJdkText(CharSequence part, boolean last) {
    probe.inbound();
    assembled(assembler.text(part, last), text -> listener.onText(this, text));
  }

  void onJdkBinary(ByteBuffer part, boolean last) {
    probe.inbound();
    assembled(assembler.binary(part, last), data -> listener.onBinary(this, data));
  }

  void onJdkPing(ByteBuffer data) {
    probe.inbound();
    ByteBuffer copy = copy(data); // the JDK has already queued the pong
    deliver(() -> listener.onPing(this, copy));
  }

  void onJdkPong(ByteBuffer data) {
    probe.inbound();
    if (LivenessProbe.isProbePong(data)) { // ours: not the listener's business
      requestNext();
      return;
    }
    ByteBuffer copy = copy(data);
    deliver(() -> listener.onPong(this, copy));
  }

  /**
   * The upstream's close frame (or its TCP end, as 1006). The returned stage tells the JDK when to
   * send its answering close: after what we queued before it has gone out.
   */
  CompletionStage<?> onJdkClose(int code, String reason) {
    boolean remote = closeStarted.compareAndSet(false, true);
    CompletableFuture<Void> flushed = sends.closeAndDrain();
    if (remote) {
      armCloseTimer(); // in case our queued sends never drain
    } else if (closeSent) {
      disarmCloseTimer(); // both close frames are through; the JDK closes the socket
    }
    end(code, reason == null ? "" : reason, remote, null);
    return flushed;
  }

  /** The JDK failed the connection; it has closed input and output already. */
  void onJdkError(Throwable error) {
    log.debug("upstream connection failed: {}", error.toString());
    gone(!closeStarted.get(), error);
  }

  // ---- internals ----

  /** Delivers a whole message, or reads on for the next part, or closes when over the limit. */
  private <T> void assembled(T whole, Consumer<T> call) {
    if (whole != null) {
      deliver(() -> call.accept(whole));
    } else if (assembler.tooBig()) {
      messageTooBig();
    } else {
      requestNext();
    }
  }

  private void deliver(Runnable call) {
    if (ended.get()) { // ended locally while the close handshake runs: read on, deliver nothing
      requestNext();
      return;
    }
    lane.run(() -> {
      if (!listenerClosed) {
        try {
          call.run();
        } catch (RuntimeException e) {
          listenerFailed(e);
        }
      }
      requestNext();
    });
  }

  private void requestNext() {
    synchronized (demandLock) {
      if (paused && !draining) {
        owed = true;
        return;
      }
    }
    ws.request(1);
  }

  private void messageTooBig() {
    if (!ended.get()) {
      log.debug("upstream message over {} bytes; closing", assembler.maxBytes());
      startClose(CloseCodes.forTransport(CloseCodes.MESSAGE_TOO_BIG, CloseCodes::isSendableByJdkClient),
          TOO_BIG_REASON);
      end(CloseCodes.MESSAGE_TOO_BIG, TOO_BIG_REASON, false, null);
    }
    requestNext(); // read on (discarding) until the upstream answers the close
  }

  /** Queues our close frame, then reads on so the answer is seen, and arms the close timeout. */
  private void startClose(int code, String reason) {
    if (!closeStarted.compareAndSet(false, true)) {
      return;
    }
    probe.stop(); // the close timeout takes over
    sends.offerLast(new Outbound(w -> w.sendClose(code, reason).whenComplete((x, e) -> {
      if (e == null) {
        closeSent = true;
      }
    }), 0));
    armCloseTimer();
    unblockReading(true);
  }

  /**
   * Lifts the pause (resume) or overrides it for good (closing: the answer must be read), then
   * makes the request the pause held back, off the caller's thread: the JDK may deliver inline.
   */
  private void unblockReading(boolean closing) {
    boolean request;
    synchronized (demandLock) {
      if (closing) {
        draining = true;
      } else {
        paused = false;
      }
      request = owed;
      owed = false;
    }
    if (!closing) {
      probe.resumed();
    }
    if (request) {
      lane.dispatch(() -> ws.request(1));
    }
  }

  /** Ends without any listener call (the connect is reported failed), closing the upstream. */
  private void closeUnreported(int code, String reason) {
    if (ended.compareAndSet(false, true)) {
      lane.run(() -> listenerClosed = true);
      onEnd.run();
    }
    startClose(code, reason);
    ws.request(1); // nothing was requested yet; read so the close answer is seen
  }

  private void sendFailed(Throwable error) {
    log.debug("send to upstream failed: {}", error.toString());
    ws.abort();
    gone(!closeStarted.get(), error);
  }

  private void listenerFailed(RuntimeException e) {
    log.warn("listener failed; aborting the upstream connection", e);
    ws.abort();
    gone(false, e);
  }

  private boolean readingPaused() {
    synchronized (demandLock) {
      return paused;
    }
  }

  /** The JDK lost the connection without telling (see {@link LivenessProbe}). */
  private void probeFailed() {
    log.debug("upstream sent no frame and answered no ping for {} each; aborting", probe.interval());
    ws.abort();
    gone(!closeStarted.get(), new IOException("upstream sent no frame and answered no ping for "
        + probe.interval() + " each"));
  }

  private void closeTimedOut() {
    log.debug("upstream did not finish the close within {}; aborting", closeTimeout);
    ws.abort();
    gone(false, null);
  }

  /** The socket is gone (aborted or failed): drop queued sends and report 1006 if not yet ended. */
  private void gone(boolean remote, Throwable error) {
    sends.discard();
    disarmCloseTimer();
    end(CloseCodes.ABNORMAL, "", remote, error);
  }

  /** Claims the end and queues the listener's last calls; the first claim wins. */
  private void end(int code, String reason, boolean remote, Throwable error) {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    probe.stop();
    lane.dispatch(() -> {
      if (listenerClosed) {
        return;
      }
      listenerClosed = true;
      if (error != null) {
        try {
          listener.onError(this, error);
        } catch (RuntimeException e) {
          log.warn("listener failed in onError", e);
        }
      }
      try {
        listener.onClose(this, code, reason, remote);
      } catch (RuntimeException e) {
        log.warn("listener failed in onClose", e);
      }
    });
    onEnd.run();
  }

  private void armCloseTimer() {
    synchronized (timerLock) {
      if (timerDisarmed || closeTimer != null) {
        return;
      }
      closeTimer = timers.schedule(closeTimeout, this::closeTimedOut);
    }
  }

  private void disarmCloseTimer() {
    ScheduledFuture<?> timer;
    synchronized (timerLock) {
      timerDisarmed = true;
      timer = closeTimer;
      closeTimer = null;
    }
    if (timer != null) {
      timer.cancel(false);
    }
  }

  private static ByteBuffer control(String field, ByteBuffer data) {
    Objects.requireNonNull(data, field);
    if (data.remaining() > MAX_CONTROL_PAYLOAD_BYTES) {
      throw new IllegalArgumentException(field + " must be at most " + MAX_CONTROL_PAYLOAD_BYTES
          + " bytes: " + data.remaining());
    }
    return data.duplicate();
  }

  private static ByteBuffer copy(ByteBuffer data) {
    return ByteBuffer.allocate(data.remaining()).put(data).flip();
  }

  /** Cut to 123 bytes; a reason that is not well-formed UTF-16 would make the JDK refuse the close. */
  private static String sendableReason(String reason) {
    String cut = CloseCodes.truncateReason(reason);
    return StandardCharsets.UTF_8.newEncoder().canEncode(cut) ? cut : "";
  }
}
