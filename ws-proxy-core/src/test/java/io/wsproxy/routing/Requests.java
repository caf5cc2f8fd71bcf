package io.wsproxy.routing;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.wsproxy.ConnectionGroup;
import io.wsproxy.HandshakeRequest;
import io.wsproxy.Headers;
import io.wsproxy.Principal;
import io.wsproxy.Route;
import io.wsproxy.RouteResolver;
import io.wsproxy.RouteResult;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** Test helpers: handshake requests and a fake connection that records how it was closed. */
final class Requests {

  private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 40000);

  private Requests() {}

  /** A request for a target such as {@code /s/abc/ws/x?y=1}. */
  static HandshakeRequest request(String target) {
    return HandshakeRequest.builder().target(target).remoteAddress(PEER).build();
  }

  /** A request for {@code target} with a {@code Host} header. */
  static HandshakeRequest request(String target, String host) {
    return HandshakeRequest.builder().target(target).headers(Headers.of("Host", host))
        .remoteAddress(PEER).build();
  }

  static RouteResult resolve(RouteResolver resolver, String target) {
    return resolver.resolve(request(target), Principal.ANONYMOUS);
  }

  /** Resolves and asserts a route; answers it. */
  static Route route(RouteResolver resolver, String target) {
    return assertInstanceOf(Route.class, resolve(resolver, target), target);
  }

  /** Resolves and answers the upstream URI as a string. */
  static String upstream(RouteResolver resolver, String target) {
    return route(resolver, target).upstream().toString();
  }

  /** A connection as the bridge would add it to a route's group. */
  static final class FakeConnection implements ConnectionGroup.Member {
    final List<String> closes = new ArrayList<>();

    @Override
    public synchronized void close(int code, String reason) {
      closes.add(code + " " + reason);
    }

    synchronized List<String> closes() {
      return List.copyOf(closes);
    }

    /** Opens on {@code route}: joins its group like the bridge does. */
    static FakeConnection openOn(Route route) {
      FakeConnection c = new FakeConnection();
      route.group().join(c);
      return c;
    }
  }
}
