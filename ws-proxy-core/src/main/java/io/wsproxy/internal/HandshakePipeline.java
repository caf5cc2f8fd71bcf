package io.wsproxy.internal;

import io.wsproxy.AuthResult;
import io.wsproxy.AuthValidator;
import io.wsproxy.CloseCodes;
import io.wsproxy.HandshakeDecision;
import io.wsproxy.HandshakeRequest;
import io.wsproxy.Headers;
import io.wsproxy.Limits;
import io.wsproxy.OriginFilter;
import io.wsproxy.Principal;
import io.wsproxy.ProxyListener;
import io.wsproxy.Rejection;
import io.wsproxy.Route;
import io.wsproxy.RouteResolver;
import io.wsproxy.RouteResult;
import io.wsproxy.TrustedProxies;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one handshake pipeline shared by the proxy and the gateway:
 *
 * <ol>
 *   <li>header limits: too many or too large header fields → 431 / 4400;</li>
 *   <li>forwarded headers: from an untrusted peer, forwarding and identity headers are dropped, and
 *       the client address is worked out ({@link ForwardedHeaders});</li>
 *   <li>origin: refused → 403 / 4403 "Origin not allowed";</li>
 *   <li>connection caps (when a {@link ConnectionLimiter} is given): full → 429 / 4429;</li>
 *   <li>auth, bounded by {@link Limits#handshakeTimeout()}: a refusal is the validator's rejection;
 *       a throw, a failure, {@code null} or the timeout → 401 / 4401 "Unauthorized";</li>
 *   <li>credentials removed ({@link AuthValidator#withoutCredentials}), then routing:
 *       no match → 404 / 4404; a resolver that throws → 500 / 1011.</li>
 * </ol>
 *
 * <p>Nothing is dialled here, and a refused request never reaches the steps after its refusal.
 * The {@link HandshakeDecision.Accept} carries the request <em>without credentials</em>, the computed
 * client address and the upstream headers. Thread-safe; the returned stage never completes
 * exceptionally, and completes on the caller's thread unless the validator is asynchronous (then on
 * the validator's thread, or the JDK's delay thread on a timeout).
 */
public final class HandshakePipeline {

  private static final Logger log = LoggerFactory.getLogger(HandshakePipeline.class);
  /** Refusals logged at INFO per second, process-wide; the rest go to DEBUG. */
  static final int REFUSALS_LOGGED_PER_SECOND = 20;
  private static final LogRate REFUSAL_LOG = new LogRate(REFUSALS_LOGGED_PER_SECOND);

  /** Per-field overhead counted against the header byte limit: ": " and CRLF. */
  private static final int HEADER_LINE_OVERHEAD = 4;
  private static final int HEADERS_TOO_LARGE = 431;
  private static final Rejection UNAUTHORIZED = Rejection.unauthorized("Unauthorized");
  private static final Rejection INTERNAL_ERROR = new Rejection(500, CloseCodes.INTERNAL_ERROR, "Internal error");

  private final ForwardedHeaders.Policy forwarding;
  private final OriginFilter originFilter;
  private final AuthValidator authValidator;
  private final RouteResolver routes; // null: the endpoint does not route (gateway)
  private final Limits limits;
  private final ProxyListener listener;
  private final ConnectionLimiter limiter; // null: no connection caps checked here

  /** A pipeline with no identity or principal headers and no connection caps. */
  public HandshakePipeline(TrustedProxies trustedProxies, OriginFilter originFilter,
      AuthValidator authValidator, RouteResolver routes, Limits limits, ProxyListener listener) {
    this(ForwardedHeaders.Policy.of(trustedProxies), originFilter, authValidator, routes, limits,
        listener, null);
  }

  /**
   * A pipeline. Logs a warning when {@code originFilter} {@linkplain OriginFilter#allowsAll()
   * allows all} origins while {@code authValidator} is not {@link AuthValidator#none()}.
   *
   * @param routes  the resolver, or {@code null} for an endpoint that does not route (gateway)
   * @param limiter checked (not acquired) before auth, or {@code null}
   */
  public HandshakePipeline(ForwardedHeaders.Policy forwarding, OriginFilter originFilter,
      AuthValidator authValidator, RouteResolver routes, Limits limits, ProxyListener listener,
      ConnectionLimiter limiter) {
    this.forwarding = Objects.requireNonNull(forwarding, "forwarding");
    this.originFilter = Objects.requireNonNull(originFilter, "originFilter");
    this.authValidator = Objects.requireNonNull(authValidator, "authValidator");
    this.routes = routes;
    this.limits = Objects.requireNonNull(limits, "limits");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.limiter = limiter;
    if (originFilter.allowsAll() && authValidator != AuthValidator.none()) {
      log.warn("authentication is configured but every Origin is allowed: any web page a user "
          + "opens can connect with the user's ambient credentials (cookies, VPN identity); "
          + "set an OriginFilter.allowList(...) or sameOrigin()");
    }
  }

  /**
   * The subprotocols to offer the upstream for an accepted proxy handshake: the one the route
   * negotiated from what the client offered (credentials removed), or none. This can differ from
   * {@link HandshakeDecision.Accept#subprotocol()}, which may be {@code bearer} for the client only.
   */
  public static List<String> upstreamSubprotocols(HandshakeDecision.Accept accept) {
    if (accept.route() == null) {
      return List.of();
    }
    String p = accept.route().negotiate(accept.request().subprotocols());
    return p == null ? List.of() : List.of(p);
  }

  /** Runs every step; answers an {@link HandshakeDecision.Accept} or a {@link Rejection}. */
  public CompletionStage<HandshakeDecision> run(HandshakeRequest received) {
    Rejection tooBig = checkHeaderLimits(received);
    if (tooBig != null) {
      return CompletableFuture.completedFuture(reject(received, tooBig));
    }
    HandshakeRequest request = ForwardedHeaders.dropUntrusted(received, forwarding);
    String clientAddress = ForwardedHeaders.clientAddress(request, forwarding.trustedProxies());
    if (!originAllowed(request)) {
      return CompletableFuture.completedFuture(
          reject(request, Rejection.forbidden("Origin not allowed")));
    }
    Rejection full = limiter == null ? null : limiter.check(clientAddress);
    if (full != null) {
      return CompletableFuture.completedFuture(reject(request, full));
    }
    // a result is never null once done (refusals are Rejections): at once when auth answered so
    return Stages.thenApply(authenticate(request), a -> afterAuth(request, clientAddress, a));
  }

  /** The steps after auth: the refusal, or the routed accept. */
  private HandshakeDecision afterAuth(HandshakeRequest request, String clientAddress,
      AuthResult auth) {
    try {
      if (auth instanceof Rejection r) {
        return reject(request, r);
      }
      return accept(request, clientAddress, (Principal) auth);
    } catch (RuntimeException e) {
      log.warn("handshake failed after auth; refusing {}", request, e);
      return reject(request, INTERNAL_ERROR);
    }
  }

  private boolean originAllowed(HandshakeRequest request) {
    try {
      return originFilter.allows(request);
    } catch (RuntimeException e) {
      log.warn("OriginFilter threw; refusing {}", request, e);
      return false;
    }
  }

  private HandshakeDecision accept(HandshakeRequest request, String clientAddress,
      Principal principal) {
    HandshakeRequest clean;
    try {
      clean = Objects.requireNonNull(authValidator.withoutCredentials(request), "null request");
    } catch (RuntimeException e) {
      log.warn("AuthValidator.withoutCredentials failed; refusing {}", request, e);
      return reject(request, UNAUTHORIZED);
    }
    boolean bearerConsumed = request.subprotocols().contains(AuthValidator.BEARER_SUBPROTOCOL)
        && !clean.subprotocols().contains(AuthValidator.BEARER_SUBPROTOCOL);
    String bearerAck = bearerConsumed ? AuthValidator.BEARER_SUBPROTOCOL : null;
    ForwardedHeaders.Result fwd = ForwardedHeaders.normalise(clean, forwarding, principal);
    if (routes == null) {
      return new HandshakeDecision.Accept(clean, clientAddress, principal, bearerAck, null,
          fwd.upstreamHeaders());
    }
    RouteResult result;
    try {
      result = routes.resolve(clean, principal);
    } catch (RuntimeException e) {
      log.warn("RouteResolver threw for {}", clean, e);
      return reject(clean, new Rejection(500, CloseCodes.INTERNAL_ERROR, "Routing failed"));
    }
    if (result instanceof Rejection r) {
      return reject(clean, r);
    }
    if (!(result instanceof Route route)) {
      return reject(clean, Rejection.notFound("No route"));
    }
    String subprotocol = route.negotiate(clean.subprotocols());
    Headers upstream = route.headers().size() == 0 ? fwd.upstreamHeaders() // the usual route
        : fwd.upstreamHeaders().toBuilder().addAll(route.headers()).build();
    return new HandshakeDecision.Accept(clean, clientAddress, principal,
        subprotocol != null ? subprotocol : bearerAck, route, upstream);
  }

  private CompletionStage<AuthResult> authenticate(HandshakeRequest request) {
    CompletableFuture<AuthResult> stage;
    try {
      CompletionStage<AuthResult> s = authValidator.validate(request);
      AuthResult now = s == null ? null : Stages.now(s);
      if (now != null) {
        return CompletableFuture.completedFuture(now); // answered at once: no timeout to arm
      }
      if (s == null) {
        stage = CompletableFuture.failedFuture(new NullPointerException("null stage"));
      } else {
        // a new future: never time out or complete the validator's own; works for any stage type
        CompletableFuture<AuthResult> copy = new CompletableFuture<>();
        s.whenComplete((r, e) -> {
          if (e != null) {
            copy.completeExceptionally(e);
          } else {
            copy.complete(r);
          }
        });
        stage = copy;
      }
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    return stage
        .orTimeout(limits.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .handle((result, error) -> {
          if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null
                ? error.getCause() : error;
            if (cause instanceof TimeoutException) {
              log.warn("AuthValidator timed out after {}; refusing {}", limits.handshakeTimeout(),
                  request);
            } else {
              log.warn("AuthValidator failed; refusing {}", request, cause);
            }
            return UNAUTHORIZED;
          }
          if (result == null) {
            log.warn("AuthValidator returned null; refusing {}", request);
            return UNAUTHORIZED;
          }
          return result;
        });
  }

  private Rejection checkHeaderLimits(HandshakeRequest request) {
    int[] count = {0};
    long[] bytes = {0};
    request.headers().forEach((n, v) -> {
      count[0]++;
      bytes[0] += n.length() + v.length() + HEADER_LINE_OVERHEAD;
    });
    if (count[0] > limits.maxHandshakeHeaders() || bytes[0] > limits.maxHandshakeHeaderBytes()) {
      return new Rejection(HEADERS_TOO_LARGE, CloseCodes.BAD_REQUEST, "Request header fields too large");
    }
    return null;
  }

  private Rejection reject(HandshakeRequest request, Rejection rejection) {
    if (REFUSAL_LOG.allow()) {
      int held = REFUSAL_LOG.suppressed();
      log.info("refused {}: {} {}{}", withoutCredentials(request), rejection.httpStatus(),
          rejection.reason(), held == 0 ? "" : " (" + held + " more refusals not logged)");
    } else {
      log.debug("refused {}: {} {}", withoutCredentials(request), rejection.httpStatus(),
          rejection.reason());
    }
    try {
      listener.handshakeRejected(withoutCredentials(request), rejection);
    } catch (RuntimeException e) {
      log.warn("ProxyListener.handshakeRejected threw", e);
    }
    return rejection;
  }

  /** What a listener may see of a refused request: never a credential, even a wrong one. */
  private HandshakeRequest withoutCredentials(HandshakeRequest request) {
    try {
      HandshakeRequest clean = authValidator.withoutCredentials(request);
      if (clean != null) {
        return clean;
      }
    } catch (RuntimeException e) {
      log.debug("AuthValidator.withoutCredentials failed; hiding the query", e);
    }
    return request.toBuilder().rawQuery(null).build();
  }
}
