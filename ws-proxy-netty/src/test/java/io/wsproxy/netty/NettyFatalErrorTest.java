package io.wsproxy.netty;

import io.wsproxy.conformance.FatalErrorCases;
import io.wsproxy.conformance.FatalErrorProbe;
import java.net.InetSocketAddress;

/** {@link FatalErrorCases} for {@link NettyEndpointServer}. */
class NettyFatalErrorTest extends FatalErrorCases {

  @Override
  protected Class<?> childMain() {
    return NettyFatalErrorTest.class;
  }

  @Override
  protected String defaultHandlerLogs() {
    return "fatal error in the Netty server";
  }

  /** The child JVM: a Netty ready server on {@link FatalErrorProbe#endpoint()}. */
  public static void main(String[] args) throws Exception {
    FatalErrorProbe.runChild(args, handler -> {
      NettyEndpointServer.Builder b = NettyEndpointServer.builder(FatalErrorProbe.endpoint());
      if (handler != null) {
        b.fatalErrorHandler(handler);
      }
      return b.start(new InetSocketAddress("127.0.0.1", 0)).port();
    });
  }
}
