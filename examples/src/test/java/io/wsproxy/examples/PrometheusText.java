package io.wsproxy.examples;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parser of the Prometheus text exposition format (version 0.0.4) for tests: samples by name and
 * labels; {@code # HELP} and {@code # TYPE} lines are checked for shape and skipped.
 */
final class PrometheusText {

  private static final Pattern SAMPLE = Pattern.compile(
      "([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})?\\s+(\\S+)(?:\\s+-?\\d+)?");
  private static final Pattern LABEL = Pattern.compile(
      "\\s*([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"\\s*,?");
  private static final Pattern COMMENT = Pattern.compile("# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*");

  /** One sample line. */
  record Sample(String name, Map<String, String> labels, double value) {}

  private final List<Sample> samples;

  private PrometheusText(List<Sample> samples) {
    this.samples = samples;
  }

  static PrometheusText parse(String body) {
    List<Sample> samples = new ArrayList<>();
    for (String line : body.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      if (line.startsWith("#")) {
        if (!COMMENT.matcher(line).matches() && !line.startsWith("# EOF")) {
          throw new AssertionError("malformed comment line: " + line);
        }
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      if (!m.matches()) {
        throw new AssertionError("malformed sample line: " + line);
      }
      Map<String, String> labels = new TreeMap<>();
      if (m.group(2) != null) {
        Matcher l = LABEL.matcher(m.group(2));
        int end = 0;
        while (l.lookingAt()) {
          labels.put(l.group(1), l.group(2).replace("\\\"", "\"").replace("\\n", "\n")
              .replace("\\\\", "\\"));
          end = l.end();
          l.region(end, m.group(2).length());
        }
        if (end != m.group(2).length()) {
          throw new AssertionError("malformed labels: " + line);
        }
      }
      samples.add(new Sample(m.group(1), labels, parseValue(m.group(3))));
    }
    return new PrometheusText(samples);
  }

  private static double parseValue(String v) {
    return switch (v) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(v);
    };
  }

  /**
   * The value of the sample named {@code name} whose labels include {@code labelPairs}
   * ({@code key, value, ...}); fails if there is none or more than one.
   */
  double value(String name, String... labelPairs) {
    Double found = find(name, labelPairs);
    assertNotNull(found, "no sample " + name + " " + String.join(",", labelPairs));
    return found;
  }

  /** Like {@link #value} but 0 when there is no such sample (a counter never incremented). */
  double valueOrZero(String name, String... labelPairs) {
    Double found = find(name, labelPairs);
    return found == null ? 0 : found;
  }

  private Double find(String name, String... labelPairs) {
    Double found = null;
    for (Sample s : samples) {
      if (!s.name().equals(name)) {
        continue;
      }
      boolean match = true;
      for (int i = 0; i + 1 < labelPairs.length && match; i += 2) {
        match = labelPairs[i + 1].equals(s.labels().get(labelPairs[i]));
      }
      if (match) {
        if (found != null) {
          throw new AssertionError("more than one sample " + name + " "
              + String.join(",", labelPairs));
        }
        found = s.value();
      }
    }
    return found;
  }
}
