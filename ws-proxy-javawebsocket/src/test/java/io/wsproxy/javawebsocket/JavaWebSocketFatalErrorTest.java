package io.wsproxy.javawebsocket;

import io.wsproxy.conformance.FatalErrorCases;
import io.wsproxy.conformance.FatalErrorProbe;
import java.net.InetSocketAddress;

/** {@link FatalErrorCases} for {@link JavaWebSocketEndpointServer}. */
class JavaWebSocketFatalErrorTest extends FatalErrorCases {

  @Override
  protected Class<?> childMain() {
    return JavaWebSocketFatalErrorTest.class;
  }

  @Override
  protected String defaultHandlerLogs() {
    return "fatal error in the WebSocket server";
  }

  /** The child JVM: a Java-WebSocket ready server on {@link FatalErrorProbe#endpoint()}. */
  public static void main(String[] args) throws Exception {
    FatalErrorProbe.runChild(args, handler -> {
      JavaWebSocketEndpointServer.Builder b = JavaWebSocketEndpointServer.builder(
          new InetSocketAddress("127.0.0.1", 0), FatalErrorProbe.endpoint());
      if (handler != null) {
        b.fatalErrorHandler(handler);
      }
      return b.start().port();
    });
  }
}
