package io.wsproxy.security.internal;

import io.wsproxy.HandshakeRequest;
import io.wsproxy.OriginFilter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.BiPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ready {@link OriginFilter}s: an allow-list or same-origin check, each with its missing and
 * {@code null} policy. Immutable and thread-safe.
 */
public final class OriginRules implements OriginFilter.Policy {

  private static final Logger log = LoggerFactory.getLogger(OriginRules.class);

  /** The filter of {@link OriginFilter#allowAll()}. */
  public static final OriginFilter ALLOW_ALL = new OriginFilter() {
    @Override
    public boolean allows(HandshakeRequest request) {
      return true;
    }

    @Override
    public boolean allowsAll() {
      return true;
    }

    @Override
    public String toString() {
      return "OriginFilter.allowAll";
    }
  };

  /** Default policy for a request without {@code Origin}: allowed (non-browser clients). */
  public static final boolean DEFAULT_ALLOW_MISSING = true;
  /** Default policy for the {@code null} origin: refused (any page can produce it). */
  public static final boolean DEFAULT_ALLOW_NULL = false;

  private static final String NULL_ORIGIN = "null";

  private final String description;
  private final BiPredicate<WebOrigin, HandshakeRequest> matcher;
  private final boolean allowMissing;
  private final boolean allowNull;

  private OriginRules(String description, BiPredicate<WebOrigin, HandshakeRequest> matcher,
      boolean allowMissing, boolean allowNull) {
    this.description = description;
    this.matcher = matcher;
    this.allowMissing = allowMissing;
    this.allowNull = allowNull;
  }

  /** See {@link OriginFilter#allowList(Collection)}. */
  public static OriginRules allowList(Collection<String> patterns) {
    Objects.requireNonNull(patterns, "patterns");
    List<OriginPattern> parsed = new ArrayList<>();
    for (String p : patterns) {
      parsed.add(OriginPattern.parse(p));
    }
    if (parsed.isEmpty()) {
      throw new IllegalArgumentException("patterns is empty: an allow-list needs at least one origin");
    }
    List<OriginPattern> list = List.copyOf(parsed);
    return new OriginRules("allowList" + list, (origin, request) -> {
      for (OriginPattern p : list) {
        if (p.matches(origin)) {
          return true;
        }
      }
      return false;
    }, DEFAULT_ALLOW_MISSING, DEFAULT_ALLOW_NULL);
  }

  /** See {@link OriginFilter#sameOrigin()}. */
  public static OriginRules sameOrigin() {
    return new OriginRules("sameOrigin", OriginRules::isSameOrigin, DEFAULT_ALLOW_MISSING,
        DEFAULT_ALLOW_NULL);
  }

  @Override
  public boolean allows(HandshakeRequest request) {
    List<String> values = request.headers().all("Origin");
    if (values.isEmpty()) {
      return allowMissing;
    }
    if (values.size() > 1) {
      log.debug("refusing {}: {} Origin headers", request, values.size());
      return false;
    }
    String value = values.get(0).strip();
    if (value.equals(NULL_ORIGIN)) {
      return allowNull;
    }
    WebOrigin origin = WebOrigin.parse(value);
    if (origin == null) {
      log.debug("refusing {}: malformed Origin", request);
      return false;
    }
    return matcher.test(origin, request);
  }

  @Override
  public OriginFilter.Policy allowMissing(boolean allow) {
    return new OriginRules(description, matcher, allow, allowNull);
  }

  @Override
  public OriginFilter.Policy allowNull(boolean allow) {
    return new OriginRules(description, matcher, allowMissing, allow);
  }

  private static boolean isSameOrigin(WebOrigin origin, HandshakeRequest request) {
    String scheme = firstElement(request.headers().all("X-Forwarded-Proto"));
    if (scheme == null) {
      scheme = request.secure() ? "https" : "http";
    } else {
      scheme = switch (scheme.toLowerCase(Locale.ROOT)) {
        case "https", "wss" -> "https";
        case "http", "ws" -> "http";
        default -> null;
      };
      if (scheme == null) {
        return false;
      }
    }
    String host = firstElement(request.headers().all("X-Forwarded-Host"));
    if (host == null) {
      List<String> hosts = request.headers().all("Host");
      if (hosts.size() != 1) {
        return false;
      }
      host = hosts.get(0).strip();
    }
    WebOrigin expected = WebOrigin.parseAuthority(scheme, host);
    return origin.equals(expected);
  }

  /** The first comma-separated element of the first value, trimmed; {@code null} when absent. */
  private static String firstElement(List<String> values) {
    if (values.isEmpty()) {
      return null;
    }
    String v = values.get(0);
    int comma = v.indexOf(',');
    String first = (comma < 0 ? v : v.substring(0, comma)).strip();
    return first.isEmpty() ? null : first;
  }

  @Override
  public String toString() {
    return "OriginFilter." + description + "{allowMissing=" + allowMissing + ", allowNull="
        + allowNull + "}";
  }
}
