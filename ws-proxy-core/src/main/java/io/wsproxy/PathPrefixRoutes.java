package io.wsproxy;

import io.wsproxy.internal.RequestPaths;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Routes by path prefix: the longest prefix that matches on a segment boundary wins ({@code /api}
 * matches {@code /api} and {@code /api/x}, never {@code /apix}); the prefix is stripped, the rest of
 * the path is appended to the upstream URI's path, and the raw query is kept. {@code /} matches
 * every path. A path with {@code .} or {@code ..} segments (plain, percent- or double-encoded), an
 * encoded slash or backslash, or an encoded NUL is refused with
 * 400 / 4400, so a client cannot climb out of the upstream path.
 *
 * <pre>{@code
 * RouteResolver routes = PathPrefixRoutes.builder()
 *     .route("/echo", "ws://127.0.0.1:9001")          // /echo/a?x=1 -> ws://127.0.0.1:9001/a?x=1
 *     .route("/vnc", "ws://10.0.0.5:6080/websockify")  // /vnc -> ws://10.0.0.5:6080/websockify
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe. A path no prefix matches gets {@link RouteResult#NO_MATCH}.
 */
public final class PathPrefixRoutes implements RouteResolver {

  /**
   * A prefix, its route template, and the route a request for the prefix itself (no rest, no query)
   * resolves to, made once instead of re-parsing the same URI for every such request (null when
   * that URI is invalid: each request then gets its refusal).
   */
  private record Entry(String prefix, Route route, Route exact, Resolved[] recent) {
    static Entry of(String prefix, Route route) {
      URI target = RequestPaths.appendPathAndQuery(route.upstream(), "", null);
      return new Entry(prefix, route, target == null ? null : route.withUpstream(target),
          new Resolved[RECENT]);
    }

    /**
     * The route for {@code rest} and {@code query}: from {@link #recent} when the same pair was
     * resolved lately (clients of one service tend to ask for the same few paths, and parsing the
     * upstream URI again made a third of a handshake's garbage in the routing), else made and
     * remembered in the pair's slot, in place of what was there. Null: the URI is invalid. Slots
     * are read and written without a lock: a slot holds an immutable record (safely published by
     * its final fields), and a thread that misses a concurrent store only parses once more.
     */
    Route resolve(String rest, String query) {
      int slot = (rest.hashCode() * 31 + Objects.hashCode(query)) & (RECENT - 1);
      Resolved r = recent[slot];
      if (r != null && r.rest.equals(rest) && Objects.equals(r.query, query)) {
        return r.route;
      }
      URI target = RequestPaths.appendPathAndQuery(route.upstream(), rest, query);
      if (target == null) {
        return null; // not remembered: a refusal costs the client, not the cache
      }
      Route resolved = route.withUpstream(target);
      recent[slot] = new Resolved(rest, query, resolved);
      return resolved;
    }
  }

  /** A rest of a path and a raw query, and the route they resolved to. */
  private record Resolved(String rest, String query, Route route) {}

  /** Recently resolved (rest, query) pairs remembered per prefix: a power of two. */
  private static final int RECENT = 16;

  private final List<Entry> entries; // longest prefix first

  private PathPrefixRoutes(List<Entry> entries) {
    this.entries = entries;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public RouteResult resolve(HandshakeRequest request, Principal principal) {
    String path = request.path();
    for (Entry e : entries) {
      String rest = RequestPaths.remainderAfterPrefix(path, e.prefix);
      if (rest == null) {
        continue;
      }
      if (RequestPaths.hasTraversal(rest)) {
        return Rejection.badRequest("Invalid path");
      }
      String query = request.rawQuery();
      if (rest.isEmpty() && (query == null || query.isEmpty()) && e.exact != null) {
        return e.exact; // immutable: shared by every request for the prefix itself
      }
      Route target = e.resolve(rest, query);
      return target != null ? target : Rejection.badRequest("Invalid path");
    }
    return RouteResult.NO_MATCH;
  }

  /** The configured prefixes, longest first. */
  public List<String> prefixes() {
    return entries.stream().map(Entry::prefix).toList();
  }

  /** Builds {@link PathPrefixRoutes}; not thread-safe. */
  public static final class Builder {
    private final List<Entry> entries = new ArrayList<>();

    private Builder() {}

    /** An independent copy of this builder (for {@code WebSocketProxy.toBuilder()}). */
    Builder copy() {
      Builder b = new Builder();
      b.entries.addAll(entries);
      return b;
    }

    /** Routes {@code prefix} to {@code upstream} (a {@code ws://} or {@code wss://} URI). */
    public Builder route(String prefix, String upstream) {
      Objects.requireNonNull(upstream, "upstream");
      final URI uri;
      try {
        uri = new URI(upstream);
      } catch (java.net.URISyntaxException e) {
        throw new IllegalArgumentException("upstream is not a URI: " + upstream, e);
      }
      return route(prefix, Route.to(uri));
    }

    /** Routes {@code prefix} to a route template whose URI path is the base path. */
    public Builder route(String prefix, Route route) {
      Objects.requireNonNull(route, "route");
      String p = RequestPaths.normalisePrefix(prefix);
      if (entries.stream().anyMatch(e -> e.prefix.equals(p))) {
        throw new IllegalArgumentException("prefix routed twice: " + p);
      }
      if (route.upstream().getRawFragment() != null) {
        throw new IllegalArgumentException("upstream must not have a fragment: " + route.upstream());
      }
      entries.add(Entry.of(p, route));
      return this;
    }

    public PathPrefixRoutes build() {
      if (entries.isEmpty()) {
        throw new IllegalStateException("no routes: call route(prefix, upstream) at least once");
      }
      List<Entry> sorted = new ArrayList<>(entries);
      sorted.sort(Comparator.comparingInt((Entry e) -> e.prefix.length()).reversed());
      return new PathPrefixRoutes(List.copyOf(sorted));
    }
  }
}
