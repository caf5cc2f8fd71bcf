package io.wsproxy.jdk;

import static org.junit.jupiter.api.Assertions.assertSame;

import io.wsproxy.spi.UpstreamRequest;
import io.wsproxy.spi.WsChannel;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A connector, a Java-WebSocket upstream and a recording listener, all closed after each test. */
abstract class UpstreamFixture {

  static final long WAIT = RecordingListener.WAIT_SECONDS;

  JdkUpstreamConnector connector;
  TestUpstream upstream;
  final RecordingListener listener = new RecordingListener();

  @BeforeEach
  void startUpstream() throws Exception {
    connector = new JdkUpstreamConnector();
    upstream = TestUpstream.launch();
  }

  @AfterEach
  void stopUpstream() throws Exception {
    connector.close();
    upstream.close();
    listener.assertContractKept();
  }

  /** Connects to the upstream with test defaults and takes the onOpen event. */
  WsChannel open() throws Exception {
    return open(TestRequests.to(upstream.uri()));
  }

  WsChannel open(UpstreamRequest request) throws Exception {
    WsChannel channel = connector.connect(request, listener).get(WAIT, TimeUnit.SECONDS);
    assertSame(channel, listener.next(RecordingListener.Opened.class).channel());
    return channel;
  }
}
