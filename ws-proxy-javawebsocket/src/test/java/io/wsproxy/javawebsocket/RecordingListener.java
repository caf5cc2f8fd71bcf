package io.wsproxy.javawebsocket;

import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.Text;
import io.wsproxy.spi.WsListener;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

/** Records every event of a channel; echoes text and binary back when asked to. */
final class RecordingListener implements WsListener {

  final boolean echo;
  final CompletableFuture<WsChannel> opened = new CompletableFuture<>();
  final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
  final BlockingQueue<ByteBuffer> binaries = new LinkedBlockingQueue<>();
  final BlockingQueue<ByteBuffer> pings = new LinkedBlockingQueue<>();
  final BlockingQueue<WsChannel> writable = new LinkedBlockingQueue<>();
  final CompletableFuture<CloseEvent> closed = new CompletableFuture<>();
  final List<Throwable> errors = new CopyOnWriteArrayList<>();
  /** Every event name in order, to check that onOpen comes first and onClose once, last. */
  final List<String> events = new CopyOnWriteArrayList<>();

  RecordingListener(boolean echo) {
    this.echo = echo;
  }

  @Override
  public void onOpen(WsChannel channel) {
    events.add("open");
    opened.complete(channel);
  }

  @Override
  public void onText(WsChannel channel, Text text) {
    events.add("text");
    texts.add(text.asString());
    if (echo) {
      channel.sendText(text);
    }
  }

  @Override
  public void onBinary(WsChannel channel, ByteBuffer data) {
    events.add("binary");
    binaries.add(data);
    if (echo) {
      channel.sendBinary(data);
    }
  }

  @Override
  public void onWritable(WsChannel channel) {
    events.add("writable");
    writable.add(channel);
  }

  @Override
  public void onPing(WsChannel channel, ByteBuffer data) {
    events.add("ping");
    pings.add(data);
  }

  @Override
  public void onClose(WsChannel channel, int code, String reason, boolean remote) {
    events.add("close");
    closed.complete(new CloseEvent(code, reason, remote));
  }

  @Override
  public void onError(WsChannel channel, Throwable error) {
    events.add("error");
    errors.add(error);
  }
}
