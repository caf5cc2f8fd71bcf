package io.wsproxy.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a {@link RoutesFile#reload reload} changed, already applied when the host sees it. Ids and
 * names are sorted snapshots. Immutable and thread-safe.
 *
 * @param sessionsAdded       sessions registered for the first time
 * @param sessionsUpdated     sessions registered again with other values (new connections get them;
 *                            open ones stay)
 * @param sessionsEnded       sessions ended: their open connections were closed with 1001
 * @param pluginsAdded        plugins registered for the first time
 * @param pluginsUpdated      plugins registered again (one now stopped had its connections closed)
 * @param pluginsRemoved      plugins unregistered: their open connections were closed with 1001
 * @param staticRoutesChanged whether the static prefix routes changed (new connections only)
 * @param gatewaysEnded       sessions whose gateway must end: the session ended, or its
 *                            {@code gateway} entry was removed or changed
 * @param gatewaysStarted     sessions whose gateway must start: a new session with a
 *                            {@code gateway}, or a changed or added entry (after its old one ended)
 */
public record RoutesChange(Set<String> sessionsAdded, Set<String> sessionsUpdated,
    Set<String> sessionsEnded, Set<String> pluginsAdded, Set<String> pluginsUpdated,
    Set<String> pluginsRemoved, boolean staticRoutesChanged, Set<String> gatewaysEnded,
    Set<String> gatewaysStarted) {

  /** Nothing changed. */
  public static final RoutesChange NONE = new RoutesChange(Set.of(), Set.of(), Set.of(), Set.of(),
      Set.of(), Set.of(), false, Set.of(), Set.of());

  public RoutesChange {
    sessionsAdded = sorted(sessionsAdded, "sessionsAdded");
    sessionsUpdated = sorted(sessionsUpdated, "sessionsUpdated");
    sessionsEnded = sorted(sessionsEnded, "sessionsEnded");
    pluginsAdded = sorted(pluginsAdded, "pluginsAdded");
    pluginsUpdated = sorted(pluginsUpdated, "pluginsUpdated");
    pluginsRemoved = sorted(pluginsRemoved, "pluginsRemoved");
    gatewaysEnded = sorted(gatewaysEnded, "gatewaysEnded");
    gatewaysStarted = sorted(gatewaysStarted, "gatewaysStarted");
  }

  private static Set<String> sorted(Set<String> names, String field) {
    return java.util.Collections.unmodifiableSet(
        new java.util.TreeSet<>(Objects.requireNonNull(names, field)));
  }

  /** Whether the reload changed nothing. */
  public boolean isEmpty() {
    return equals(NONE);
  }

  /** One line for a log: {@code sessions +a ~b -c, plugins -p, static routes changed}. */
  @Override
  public String toString() {
    if (isEmpty()) {
      return "no change";
    }
    List<String> parts = new ArrayList<>();
    part(parts, "sessions", sessionsAdded, sessionsUpdated, sessionsEnded);
    part(parts, "plugins", pluginsAdded, pluginsUpdated, pluginsRemoved);
    if (staticRoutesChanged) {
      parts.add("static routes changed");
    }
    part(parts, "gateways", gatewaysStarted, Set.of(), gatewaysEnded);
    return String.join(", ", parts);
  }

  private static void part(List<String> parts, String what, Set<String> added,
      Set<String> updated, Set<String> removed) {
    StringBuilder sb = new StringBuilder();
    added.forEach(n -> sb.append(" +").append(n));
    updated.forEach(n -> sb.append(" ~").append(n));
    removed.forEach(n -> sb.append(" -").append(n));
    if (sb.length() > 0) {
      parts.add(what + sb);
    }
  }
}
