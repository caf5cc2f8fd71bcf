package io.wsproxy;

/**
 * What a {@link RouteResolver} decides: a {@link Route}, a {@link Rejection} (for example 4400
 * "Invalid plugin name"), or {@link #NO_MATCH} to let the next resolver in a chain try.
 */
public sealed interface RouteResult permits Route, Rejection, RouteResult.NoMatch {

  /** The resolver does not handle this request. */
  NoMatch NO_MATCH = new NoMatch();

  /** See {@link #NO_MATCH}. */
  final class NoMatch implements RouteResult {
    private NoMatch() {}

    @Override
    public String toString() {
      return "NO_MATCH";
    }
  }
}
