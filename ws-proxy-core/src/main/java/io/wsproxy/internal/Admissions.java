package io.wsproxy.internal;

import io.wsproxy.HandshakeOptions;
import io.wsproxy.ProxyListener;
import io.wsproxy.RouteResolver;

/** Builds the {@link Admission} of an endpoint from its {@link HandshakeOptions}. Stateless. */
public final class Admissions {

  private Admissions() {}

  /**
   * @param principalHeader header the principal is sent upstream in, or {@code null}
   * @param routes          the route resolver, or {@code null} for endpoints that do not route
   * @param listener        told of refused handshakes
   * @param limiter         the endpoint's connection caps
   */
  public static Admission of(HandshakeOptions options, String principalHeader,
      RouteResolver routes, ProxyListener listener, ConnectionLimiter limiter) {
    ForwardedHeaders.Policy forwarding = ForwardedHeaders.Policy.of(options.trustedProxies())
        .withIdentityHeaders(options.identityHeaders()).withPrincipalHeader(principalHeader);
    // the pipeline warns at start-up when every origin is allowed and auth is on
    HandshakePipeline pipeline = new HandshakePipeline(forwarding, options.originFilter(),
        options.authValidator(), routes, options.limits(), listener, limiter);
    return new Admission(pipeline, limiter, options.limits());
  }
}
