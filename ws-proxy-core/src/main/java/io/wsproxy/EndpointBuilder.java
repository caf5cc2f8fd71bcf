package io.wsproxy;

import io.wsproxy.internal.ForwardedHeaders;
import java.util.List;
import java.util.Objects;

/**
 * The handshake setters that {@link WebSocketProxy.Builder} and {@code GatewayBuilder} share, in
 * one place: origin, auth, trusted proxies, identity headers, limits and rejection mode. Not
 * thread-safe; every setter validates its argument at once and names the field.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class EndpointBuilder<B extends EndpointBuilder<B>> {

  private OriginFilter originFilter = OriginFilter.allowAll();
  private AuthValidator authValidator = AuthValidator.none();
  private TrustedProxies trustedProxies = TrustedProxies.none();
  private List<String> identityHeaders = List.of();
  private Limits limits;
  private RejectionMode rejectionMode = RejectionMode.HTTP_STATUS;

  /** @param defaultLimits the endpoint's default limits */
  protected EndpointBuilder(Limits defaultLimits) {
    this.limits = Objects.requireNonNull(defaultLimits, "defaultLimits");
  }

  /** This builder, typed. */
  protected abstract B self();

  /**
   * Sets the origin check; by default every origin is allowed ({@link OriginFilter#allowAll()}),
   * and a warning is logged when that is combined with an auth validator. Pages served to browsers
   * should be limited with {@link OriginFilter#allowList}.
   */
  public B originFilter(OriginFilter filter) {
    this.originFilter = Objects.requireNonNull(filter, "originFilter");
    return self();
  }

  /**
   * Sets the handshake's authentication; by default everyone is {@link Principal#ANONYMOUS}. A
   * validator that throws, answers {@code null} or times out refuses (401 / 4401).
   */
  public B authValidator(AuthValidator validator) {
    this.authValidator = Objects.requireNonNull(validator, "authValidator");
    return self();
  }

  /** Sets the peers whose forwarding and identity headers are believed; none by default. */
  public B trustedProxies(TrustedProxies trusted) {
    this.trustedProxies = Objects.requireNonNull(trusted, "trustedProxies");
    return self();
  }

  /**
   * Headers that assert who the user is, in addition to the well-known ones
   * ({@code Tailscale-User-Login}, {@code X-Forwarded-User}, {@code Remote-User}...) that are always
   * dropped from every peer that is not a {@link #trustedProxies trusted proxy}, so a client cannot
   * forge them; see {@link AuthValidator#identityHeader}.
   */
  public B identityHeaders(String... names) {
    List<String> list = List.of(names);
    ForwardedHeaders.Policy.of(TrustedProxies.none()).withIdentityHeaders(list); // validates
    this.identityHeaders = list;
    return self();
  }

  /** Sets sizes, timeouts and connection caps. */
  public B limits(Limits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
    return self();
  }

  /** How refused handshakes are answered; {@link RejectionMode#HTTP_STATUS} by default. */
  public B rejectionMode(RejectionMode mode) {
    this.rejectionMode = Objects.requireNonNull(mode, "rejectionMode");
    return self();
  }

  /** Takes every handshake setting from {@code options}. */
  public B handshakeOptions(HandshakeOptions options) {
    Objects.requireNonNull(options, "handshakeOptions");
    this.originFilter = options.originFilter();
    this.authValidator = options.authValidator();
    this.trustedProxies = options.trustedProxies();
    this.identityHeaders = options.identityHeaders();
    this.limits = options.limits();
    this.rejectionMode = options.rejectionMode();
    return self();
  }

  /** The handshake settings as configured so far. */
  public HandshakeOptions handshakeOptions() {
    return new HandshakeOptions(originFilter, authValidator, trustedProxies, identityHeaders,
        limits, rejectionMode);
  }
}
