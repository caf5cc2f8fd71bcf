package io.wsproxy.routing.internal;

import io.wsproxy.internal.RequestPaths;
import java.util.Objects;

/**
 * A route path with exactly one placeholder segment, such as {@code /s/{sessionId}/ws} or
 * {@code /plugin-ws/{name}}. Literal parts match on segment boundaries; the placeholder matches one
 * whole raw segment (validating its value is the caller's job). Immutable and thread-safe.
 */
public final class PathTemplate {

  /** A matched request path: the raw placeholder value and the raw rest after the template. */
  public record Match(String value, String rest) {}

  private final String pattern;
  private final String before; // literal part up to the placeholder, always ending in '/'
  private final String after;  // literal part after the placeholder: "" or "/seg..."

  private PathTemplate(String pattern, String before, String after) {
    this.pattern = pattern;
    this.before = before;
    this.after = after;
  }

  /**
   * Parses {@code pattern}, which must hold {@code {placeholder}} exactly once as a whole segment,
   * with clean literal segments around it.
   *
   * @param field the configuration field's name, for error messages
   */
  public static PathTemplate parse(String field, String pattern, String placeholder) {
    Objects.requireNonNull(pattern, field);
    String token = "{" + placeholder + "}";
    int at = pattern.indexOf(token);
    if (at < 0 || pattern.indexOf(token, at + 1) >= 0) {
      throw new IllegalArgumentException(
          field + " must hold " + token + " exactly once: " + pattern);
    }
    String before = pattern.substring(0, at);
    String after = pattern.substring(at + token.length());
    if (after.endsWith("/")) {
      after = after.substring(0, after.length() - 1);
    }
    if (!before.startsWith("/") || !before.endsWith("/")
        || !(after.isEmpty() || after.startsWith("/"))) {
      throw new IllegalArgumentException(
          field + " must start with '/' and hold " + token + " as a whole segment: " + pattern);
    }
    String literal = before + "x" + after;
    if (literal.contains("{") || literal.contains("}") || !RequestPaths.isRawPath(literal)) {
      throw new IllegalArgumentException(field + " has characters not allowed in a path: " + pattern);
    }
    try {
      RequestPaths.normalisePrefix(literal);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + " is not a clean path: " + pattern, e);
    }
    return new PathTemplate(before + token + after, before, after);
  }

  /**
   * Matches a raw request path: {@code null} when the literal parts do not match. An empty
   * placeholder value is reported (as {@code ""}) so the caller can refuse it, e.g. for
   * {@code /plugin-ws/} or {@code /plugin-ws}.
   */
  public Match match(String rawPath) {
    String head;
    if (rawPath.startsWith(before)) {
      head = rawPath.substring(before.length());
    } else if (after.isEmpty() && rawPath.equals(before.substring(0, before.length() - 1))) {
      head = "";
    } else {
      return null;
    }
    int slash = head.indexOf('/');
    String value = slash < 0 ? head : head.substring(0, slash);
    String remainder = slash < 0 ? "" : head.substring(slash);
    String rest = after.isEmpty() ? remainder : RequestPaths.remainderAfterPrefix(remainder, after);
    return rest == null ? null : new Match(value, rest);
  }

  /** The path for a placeholder value (which the caller has validated), e.g. {@code /s/abc/ws}. */
  public String expand(String value) {
    return before + value + after;
  }

  /** The pattern as configured, without a trailing slash. */
  public String pattern() {
    return pattern;
  }

  @Override
  public String toString() {
    return pattern;
  }
}
