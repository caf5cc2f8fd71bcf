package io.wsproxy.conformance;

import io.wsproxy.conformance.ConformanceFixture.RunningServer;
import io.wsproxy.spi.WsEndpoint;

/**
 * How a transport's test sources start its ready server in a child JVM
 * ({@link DescriptorExhaustionChild}): a public class with a public no-argument constructor, named
 * by {@link DescriptorExhaustionConformanceKit#childServer()}.
 */
public interface ChildServer {

  /** Starts the server under test on 127.0.0.1, port 0, serving {@code endpoint}. */
  RunningServer start(WsEndpoint endpoint) throws Exception;
}
