package io.wsproxy.internal;

import io.wsproxy.AuthResult;
import io.wsproxy.AuthValidator;
import io.wsproxy.HandshakeDecision;
import io.wsproxy.HandshakeRequest;
import io.wsproxy.Limits;
import io.wsproxy.OriginFilter;
import io.wsproxy.Principal;
import io.wsproxy.ProxyListener;
import io.wsproxy.Rejection;
import io.wsproxy.Route;
import io.wsproxy.RouteResolver;
import io.wsproxy.RouteResult;
import io.wsproxy.TrustedProxies;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one handshake pipeline shared by the proxy and the gateway: limits → forwarded headers →
 * origin → auth → route. Nothing is dialled here. Thread-safe; the returned stage never completes
 * exceptionally, and completes on the caller's thread unless the auth validator is asynchronous.
 */
public final class HandshakePipeline {

  private static final Logger log = LoggerFactory.getLogger(HandshakePipeline.class);

  private final TrustedProxies trustedProxies;
  private final OriginFilter originFilter;
  private final AuthValidator authValidator;
  private final RouteResolver routes; // null: the endpoint does not route (gateway)
  private final Limits limits;
  private final ProxyListener listener;

  public HandshakePipeline(TrustedProxies trustedProxies, OriginFilter originFilter,
      AuthValidator authValidator, RouteResolver routes, Limits limits, ProxyListener listener) {
    this.trustedProxies = trustedProxies;
    this.originFilter = originFilter;
    this.authValidator = authValidator;
    this.routes = routes;
    this.limits = limits;
    this.listener = listener;
  }

  /** Runs every step; answers an {@link HandshakeDecision.Accept} or a {@link Rejection}. */
  public CompletionStage<HandshakeDecision> run(HandshakeRequest request) {
    Rejection tooBig = checkHeaderLimits(request);
    if (tooBig != null) {
      return CompletableFuture.completedFuture(reject(request, tooBig));
    }
    ForwardedHeaders.Result fwd = ForwardedHeaders.normalise(request, trustedProxies);
    boolean originOk;
    try {
      originOk = originFilter.allows(request);
    } catch (RuntimeException e) {
      log.warn("OriginFilter threw; refusing {}", request, e);
      originOk = false;
    }
    if (!originOk) {
      return CompletableFuture.completedFuture(
          reject(request, Rejection.forbidden("Origin not allowed")));
    }
    return authenticate(request).thenApply(auth -> {
      if (auth instanceof Rejection r) {
        return reject(request, r);
      }
      Principal principal = (Principal) auth;
      if (routes == null) {
        return new HandshakeDecision.Accept(request, fwd.clientAddress(), principal, null, null,
            fwd.upstreamHeaders());
      }
      RouteResult result;
      try {
        result = routes.resolve(request, principal);
      } catch (RuntimeException e) {
        log.warn("RouteResolver threw for {}", request, e);
        return reject(request, new Rejection(500, 1011, "Routing failed"));
      }
      if (result instanceof Rejection r) {
        return reject(request, r);
      }
      if (!(result instanceof Route route)) {
        return reject(request, Rejection.notFound("No route"));
      }
      String subprotocol = route.negotiate(request.subprotocols());
      return new HandshakeDecision.Accept(request, fwd.clientAddress(), principal, subprotocol,
          route, fwd.upstreamHeaders().toBuilder().addAll(route.headers()).build());
    });
  }

  private CompletionStage<AuthResult> authenticate(HandshakeRequest request) {
    CompletableFuture<AuthResult> stage;
    try {
      CompletionStage<AuthResult> s = authValidator.validate(request);
      stage = s == null ? CompletableFuture.failedFuture(new NullPointerException("null stage"))
          : s.toCompletableFuture();
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    return stage
        .copy() // never time out or complete the validator's own future
        .orTimeout(limits.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .handle((result, error) -> {
          if (error != null) {
            Throwable cause = error instanceof java.util.concurrent.CompletionException
                && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof TimeoutException) {
              log.warn("AuthValidator timed out after {}; refusing {}", limits.handshakeTimeout(),
                  request);
            } else {
              log.warn("AuthValidator failed; refusing {}", request, cause);
            }
            return Rejection.unauthorized("Unauthorized");
          }
          if (result == null) {
            log.warn("AuthValidator returned null; refusing {}", request);
            return Rejection.unauthorized("Unauthorized");
          }
          return result;
        });
  }

  private Rejection checkHeaderLimits(HandshakeRequest request) {
    int[] count = {0};
    long[] bytes = {0};
    request.headers().forEach((n, v) -> {
      count[0]++;
      bytes[0] += n.length() + v.length() + 4;
    });
    if (count[0] > limits.maxHandshakeHeaders() || bytes[0] > limits.maxHandshakeHeaderBytes()) {
      return new Rejection(431, 4400, "Request header fields too large");
    }
    return null;
  }

  private Rejection reject(HandshakeRequest request, Rejection rejection) {
    log.debug("refused {}: {} {}", request, rejection.httpStatus(), rejection.reason());
    try {
      listener.handshakeRejected(request, rejection);
    } catch (RuntimeException e) {
      log.warn("ProxyListener.handshakeRejected threw", e);
    }
    return rejection;
  }
}
