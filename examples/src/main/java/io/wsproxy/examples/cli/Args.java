package io.wsproxy.examples.cli;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A tiny command-line parser: {@code --name value}, {@code --name=value} and boolean
 * {@code --name}. Flags not declared by the command are refused, so a typo never goes unnoticed.
 *
 * <p><b>Environment.</b> Every declared flag not given on the command line is read from the
 * environment variable {@link #envName WS_PROXY_<FLAG>} ({@code --max-message-size} →
 * {@code WS_PROXY_MAX_MESSAGE_SIZE}), so a container or a systemd unit configures the CLI without
 * putting secrets in the process list. A flag on the command line wins over its variable. A
 * repeatable flag takes several values from its variable separated by commas; a boolean flag is
 * on when its variable is {@code true}, {@code 1} or {@code yes}, off when it is {@code false},
 * {@code 0}, {@code no} or empty.
 */
public final class Args {

  /** The prefix of every environment variable the CLI reads. */
  public static final String ENV_PREFIX = "WS_PROXY_";

  private final Map<String, List<String>> values = new LinkedHashMap<>();
  /** The raw value of each flag that came from the environment: a single-value flag takes it whole. */
  private final Map<String, String> fromEnv = new LinkedHashMap<>();

  private Args() {}

  /** The environment variable of {@code flag}: {@code WS_PROXY_} and the flag in upper case, {@code -} as {@code _}. */
  public static String envName(String flag) {
    return ENV_PREFIX + flag.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
  }

  /**
   * The {@code --help} section naming the environment variable of each of a command's flags, one a
   * line in name order, built from the same sets {@link #parse} takes, so no flag can lack one.
   * Empty when the command has no flags.
   */
  public static String environmentHelp(Set<String> withValue, Set<String> booleans) {
    java.util.TreeSet<String> flags = new java.util.TreeSet<>(withValue);
    flags.addAll(booleans);
    if (flags.isEmpty()) {
      return "";
    }
    int width = flags.stream().mapToInt(String::length).max().orElse(0) + 2;
    StringBuilder sb = new StringBuilder("\nEnvironment: each option also reads from a variable (the command line"
        + " wins). A\nrepeatable option takes comma-separated values; a switch takes true or false."
        + "\nSecrets (tokens, passwords) are better passed this way than as arguments.\n");
    for (String flag : flags) {
      sb.append(String.format("  %-" + (width + 2) + "s %s%n", "--" + flag, envName(flag)));
    }
    return sb.toString();
  }

  /** {@link #parse(String[], Set, Set, Map)} with the process environment. */
  public static Args parse(String[] argv, Set<String> withValue, Set<String> booleans)
      throws UsageException {
    return parse(argv, withValue, booleans, System.getenv());
  }

  /**
   * Parses {@code argv}, then fills the flags it did not give from {@code env}.
   *
   * @param withValue flags that take a value (repeatable)
   * @param booleans  flags that take none
   * @param env       environment variables by name
   */
  public static Args parse(String[] argv, Set<String> withValue, Set<String> booleans,
      Map<String, String> env) throws UsageException {
    Args a = parseArgv(argv, withValue, booleans);
    for (String flag : withValue) {
      String v = env.get(envName(flag));
      if (v != null && !a.values.containsKey(flag) && !v.isEmpty()) {
        List<String> parts = new ArrayList<>();
        for (String part : v.split(",")) {
          if (!part.isBlank()) {
            parts.add(part.trim());
          }
        }
        a.values.put(flag, parts);
        a.fromEnv.put(flag, v.trim());
      }
    }
    for (String flag : booleans) {
      String v = env.get(envName(flag));
      if (v != null && !a.values.containsKey(flag)) {
        switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
          case "true", "1", "yes" -> a.values.put(flag, List.of("true"));
          case "false", "0", "no", "" -> { }
          default -> throw new UsageException(envName(flag) + " must be true or false: " + v);
        }
      }
    }
    return a;
  }

  private static Args parseArgv(String[] argv, Set<String> withValue, Set<String> booleans)
      throws UsageException {
    Args a = new Args();
    for (int i = 0; i < argv.length; i++) {
      String arg = argv[i];
      if (!arg.startsWith("--")) {
        throw new UsageException("unexpected argument: " + arg);
      }
      String name = arg.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (booleans.contains(name)) {
        if (value != null) {
          throw new UsageException("--" + name + " takes no value");
        }
        a.values.computeIfAbsent(name, k -> new ArrayList<>()).add("true");
      } else if (withValue.contains(name)) {
        if (value == null) {
          if (i + 1 >= argv.length) {
            throw new UsageException("--" + name + " needs a value");
          }
          value = argv[++i];
        }
        a.values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
      } else {
        throw new UsageException("unknown option: --" + name);
      }
    }
    return a;
  }

  /** Whether the flag was given. */
  public boolean has(String name) {
    return values.containsKey(name);
  }

  /** Every value of a repeatable flag, in order. */
  public List<String> all(String name) {
    return values.getOrDefault(name, List.of());
  }

  /** The single value of a flag, or {@code fallback}; repeating it is an error. */
  public String one(String name, String fallback) throws UsageException {
    String env = fromEnv.get(name);
    if (env != null) {
      return env;
    }
    List<String> v = all(name);
    if (v.size() > 1) {
      throw new UsageException("--" + name + " given more than once");
    }
    return v.isEmpty() ? fallback : v.get(0);
  }

  /** A required single value. */
  public String required(String name) throws UsageException {
    String v = one(name, null);
    if (v == null) {
      throw new UsageException("--" + name + " is required");
    }
    return v;
  }

  /** A whole number in {@code [min, max]}, or {@code fallback}. */
  public long number(String name, long fallback, long min, long max) throws UsageException {
    String v = one(name, null);
    if (v == null) {
      return fallback;
    }
    try {
      long n = Long.parseLong(v.trim());
      if (n < min || n > max) {
        throw new UsageException("--" + name + " must be between " + min + " and " + max + ": " + v);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be a whole number: " + v);
    }
  }

  /** {@code HOST:PORT} (IPv6 as {@code [::1]:8080}); port 0 picks a free port. */
  public static InetSocketAddress hostPort(String flag, String value) throws UsageException {
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw new UsageException("--" + flag + " must be HOST:PORT: " + value);
    }
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new UsageException("--" + flag + " has a bad port: " + value);
    }
    if (port < 0 || port > 65535) {
      throw new UsageException("--" + flag + " port must be 0..65535: " + value);
    }
    InetSocketAddress address = new InetSocketAddress(host, port);
    if (address.isUnresolved()) {
      throw new UsageException("--" + flag + " host cannot be resolved: " + host);
    }
    return address;
  }
}
