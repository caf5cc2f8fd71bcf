package io.wsproxy.jdk.internal;

import io.wsproxy.CloseCodes;
import io.wsproxy.jdk.internal.SendQueue.Outbound;
import io.wsproxy.jdk.internal.SendQueue.WaterMarks;
import io.wsproxy.spi.Text;
import io.wsproxy.spi.UpstreamConnectException;
import io.wsproxy.spi.UpstreamRequest;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsListener;
import java.io.IOException;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link WsChannel} over one {@link WebSocket}.
 *
 * <p><b>Reading</b> is demand-driven ({@link ReadDemand}): one {@code request(1)} after each whole
 * message the listener returned from, none while paused. Parts are joined by a
 * {@link MessageAssembler} up to the request's message size; text arrives as the JDK's decoded (and
 * so validated) characters and is handed on as {@link Text#of}.
 *
 * <p><b>Writing</b> goes through a {@link SendQueue}: one pending send at a time, in call order; a
 * send answers whether the queue is under its high-water mark, and {@link WsListener#onWritable}
 * follows once it drained to the low one.
 *
 * <p><b>Closing.</b> The listener's {@code onClose} comes exactly once: with the upstream's code when
 * it answers our close or closes first ({@code remote} says which); with 1006 after {@code abort()},
 * an error, or a close the upstream left unanswered for the close timeout ({@link CloseTimer}); with
 * 1009 at once when the upstream sent a message over the limit (the upstream is sent 1008: the JDK
 * cannot send 1009). A {@link LivenessProbe} ends connections the JDK lost without telling.
 *
 * <p><b>Threading.</b> Thread-safe. Listener calls go through {@link ListenerCalls}: one at a time, on
 * a JDK or pool thread, never from inside a call to one of this channel's methods.
 */
final class JdkWsChannel implements WsChannel {

  private static final Logger log = LoggerFactory.getLogger(JdkWsChannel.class);

  /** Largest ping or pong payload (RFC 6455 section 5.5). */
  static final int MAX_CONTROL_PAYLOAD_BYTES = 125;
  /** Reason reported and sent when the upstream's message is over the limit. */
  static final String TOO_BIG_REASON = "message too big";

  private final WebSocket ws;
  private final WsListener listener;
  private final ListenerCalls calls;
  private final String subprotocol;
  private final Runnable onEnd;
  private final SendQueue sends;
  private final ReadDemand demand;
  private final CloseTimer closeTimer;
  /** Confined to the JDK's receive callbacks. */
  private final MessageAssembler assembler;
  private final LivenessProbe probe;

  /** Set once a close frame is queued, by us or as the answer to the upstream's. */
  private final AtomicBoolean closeStarted = new AtomicBoolean();
  /** Set once the end is claimed: the listener's onClose is (or, when refused, never will be) queued. */
  private final AtomicBoolean ended = new AtomicBoolean();
  /** Our close frame reached the socket. */
  private volatile boolean closeSent;
  /** The upstream's answer to our close frame arrived. */
  private volatile boolean closeAnswered;

  /**
   * @param timers        runs the close timeout and the liveness probe
   * @param callbacks     runs listener calls that must leave the caller's thread (the connector's
   *                      pool; tests run them in place)
   * @param marks         the send queue's water marks
   * @param probeInterval see {@link LivenessProbe}; {@link Duration#ZERO} disables probing
   * @param onEnd         runs once, when the end is claimed (reported or not)
   */
  JdkWsChannel(WebSocket ws, WsListener listener, UpstreamRequest request, ConnectorThreads timers,
      Executor callbacks, WaterMarks marks, Duration probeInterval, Runnable onEnd) {
    this.ws = ws;
    this.listener = listener;
    String selected = ws.getSubprotocol();
    this.subprotocol = selected == null || selected.isEmpty() ? null : selected;
    this.onEnd = onEnd;
    this.calls = new ListenerCalls(listener, this, callbacks);
    this.sends = new SendQueue(ws, this::sendFailed, marks, this::writableAgain);
    this.demand = new ReadDemand(ws, calls::dispatch);
    this.closeTimer = new CloseTimer(timers, request.closeTimeout(), this::closeTimedOut);
    this.assembler = new MessageAssembler(request.maxMessageSize());
    this.probe = new LivenessProbe(timers, probeInterval, demand::isPaused,
        () -> sendPing(LivenessProbe.payload()), this::probeFailed);
  }

  // ---- WsChannel ----

  @Override
  public boolean sendText(Text text) {
    Objects.requireNonNull(text, "text");
    String s = text.asString(); // the JDK sends characters
    long bytes = text.hasUtf8() ? text.sizeEstimate() : MessageAssembler.utf8Length(s);
    return sends.offer(new Outbound(w -> w.sendText(s, true), bytes));
  }

  @Override
  public boolean sendBinary(ByteBuffer data) {
    ByteBuffer view = Objects.requireNonNull(data, "data").duplicate();
    return sends.offer(new Outbound(w -> w.sendBinary(view, true), view.remaining()));
  }

  @Override
  public void sendPing(ByteBuffer data) {
    ByteBuffer view = control("ping data", data);
    sends.offerControl(new Outbound(w -> w.sendPing(view), view.remaining()));
  }

  @Override
  public void sendPong(ByteBuffer data) {
    ByteBuffer view = control("pong data", data);
    sends.offerControl(new Outbound(w -> w.sendPong(view), view.remaining()));
  }

  /** Sends {@code code}, or (defensively: the core maps codes first) the nearest one the JDK sends. */
  @Override
  public void close(int code, String reason) {
    if (ended.get()) {
      return;
    }
    startClose(JdkCloseCodes.sendable(code), JdkCloseCodes.sendableReason(reason));
  }

  @Override
  public void abort() {
    ws.abort();
    gone(false, null, false);
  }

  @Override
  public boolean isWritable() {
    return sends.isWritable();
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
    return JdkCloseCodes.canSend(code);
  }

  @Override
  public boolean canPauseReading() {
    return true;
  }

  @Override
  public void pauseReading() {
    demand.pause();
  }

  @Override
  public void resumeReading() {
    if (demand.resume()) {
      probe.resumed();
    }
  }

  // ---- events from the JDK (see JdkConnectionListener), one at a time ----

  /** The upgrade succeeded: tell the listener, then the caller, then start reading. */
  void open(CompletableFuture<WsChannel> connected) {
    calls.run(() -> {
      if (connected.isDone()) { // the caller cancelled while the upgrade ran
        ws.abort();
        endUnreported();
        return;
      }
      try {
        listener.onOpen(this);
      } catch (RuntimeException e) {
        log.warn("listener failed in onOpen; closing the upstream connection", e);
        endUnreported();
        startClose(CloseCodes.INTERNAL_ERROR, "");
        ws.request(1); // nothing was requested yet; read so the close answer is seen
        connected.completeExceptionally(new UpstreamConnectException(
            UpstreamConnectException.Kind.UNREACHABLE, 0, "listener failed in onOpen", e));
        return;
      }
      if (connected.complete(this)) {
        probe.start();
      } else {
        close(CloseCodes.GOING_AWAY, ""); // cancelled during onOpen: the listener hears onClose
      }
      demand.next();
    });
  }

  void onJdkText(CharSequence part, boolean last) {
    probe.inbound();
    assembled(assembler.text(part, last), text -> listener.onText(this, Text.of(text)));
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
      demand.next();
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
      closeTimer.arm(); // in case our queued sends never drain
    } else {
      closeAnswered = true;
      if (closeSent) {
        closeTimer.disarm(); // both close frames are through; the JDK closes the socket
      }
    }
    end(code, reason == null ? "" : reason, remote, null, true);
    return flushed;
  }

  /** The JDK failed the connection; it has closed input and output already. */
  void onJdkError(Throwable error) {
    log.debug("upstream connection failed: {}", error.toString());
    gone(!closeStarted.get(), error, true);
  }

  // ---- internals ----

  /** Delivers a whole message, or reads on for the next part, or closes when over the limit. */
  private <T> void assembled(T whole, Consumer<T> call) {
    if (whole != null) {
      deliver(() -> call.accept(whole));
    } else if (assembler.tooBig()) {
      messageTooBig();
    } else {
      demand.next();
    }
  }

  private void deliver(Runnable call) {
    if (ended.get()) { // ended locally while the close handshake runs: read on, deliver nothing
      demand.next();
      return;
    }
    calls.run(() -> {
      callListener(call);
      demand.next();
    });
  }

  /** The send queue drained after a send answered false; tell the listener off the sender's thread. */
  private void writableAgain() {
    if (!ended.get()) {
      calls.dispatch(() -> callListener(() -> listener.onWritable(this)));
    }
  }

  /** On the lane: runs a listener call unless the end was reported; a throwing listener fails it. */
  private void callListener(Runnable call) {
    if (!calls.isOpen()) {
      return;
    }
    try {
      call.run();
    } catch (RuntimeException e) {
      log.warn("listener failed; aborting the upstream connection", e);
      ws.abort();
      gone(false, e, true);
    }
  }

  private void messageTooBig() {
    if (!ended.get()) {
      log.debug("upstream message over {} bytes; closing", assembler.maxBytes());
      startClose(JdkCloseCodes.sendable(CloseCodes.MESSAGE_TOO_BIG), TOO_BIG_REASON);
      end(CloseCodes.MESSAGE_TOO_BIG, TOO_BIG_REASON, false, null, true);
    }
    demand.next(); // read on (discarding) until the upstream answers the close
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
        if (closeAnswered) { // the answer was read before this completion ran
          closeTimer.disarm();
        }
      }
    }), 0));
    closeTimer.arm();
    demand.drain();
  }

  /** Claims the end without any listener call: the connect is reported failed or was cancelled. */
  private void endUnreported() {
    if (ended.compareAndSet(false, true)) {
      calls.silence(); // on the lane already (open's task)
      probe.stop();
      onEnd.run();
    }
  }

  private void sendFailed(Throwable error) {
    log.debug("send to upstream failed: {}", error.toString());
    ws.abort();
    gone(!closeStarted.get(), error, false); // may fail inside the caller's send
  }

  /** The JDK lost the connection without telling (see {@link LivenessProbe}). */
  private void probeFailed() {
    log.debug("upstream sent no frame and answered no ping for {} each; aborting", probe.interval());
    ws.abort();
    gone(!closeStarted.get(), new IOException("upstream sent no frame and answered no ping for "
        + probe.interval() + " each"), true);
  }

  private void closeTimedOut() {
    log.debug("upstream did not finish the close within {}; aborting", closeTimer.timeout());
    ws.abort();
    gone(false, null, true);
  }

  /** The socket is gone (aborted or failed): drop queued sends and report 1006 if not yet ended. */
  private void gone(boolean remote, Throwable error, boolean inPlace) {
    sends.discard();
    closeTimer.disarm();
    end(CloseCodes.ABNORMAL, "", remote, error, inPlace);
  }

  /** Claims the end and queues the listener's last calls (see {@link ListenerCalls#reportEnd}). */
  private void end(int code, String reason, boolean remote, Throwable error, boolean inPlace) {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    probe.stop();
    calls.reportEnd(code, reason, remote, error, inPlace);
    onEnd.run();
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
}
