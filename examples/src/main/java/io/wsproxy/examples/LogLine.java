package io.wsproxy.examples;

import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

/**
 * One access-log line as ordered fields, rendered as {@code key=value} text (values quoted where
 * they need it) or as one JSON object. Not thread-safe; one per line.
 */
final class LogLine {

  /** Room for a connection line's fields without regrowing. */
  private static final int TEXT_CAPACITY = 384;

  // only the one the format needs: a line is made for every connection that ends
  private final StringBuilder text;
  private final JsonObject json;
  private final boolean asJson;

  /** @param event the first field: what the line is about */
  LogLine(boolean asJson, String event) {
    this.asJson = asJson;
    if (asJson) {
      text = null;
      json = new JsonObject();
      json.addProperty("event", event);
    } else {
      text = new StringBuilder(TEXT_CAPACITY).append(event);
      json = null;
    }
  }

  LogLine add(String key, String value) {
    if (asJson) {
      json.addProperty(key, value);
    } else {
      text.append(' ').append(key).append('=');
      quoteIfNeeded(value == null ? "-" : value);
    }
    return this;
  }

  /** A number: never quoted in text, and appended as it is (no boxing, no JSON value in text). */
  LogLine add(String key, long value) {
    if (asJson) {
      json.add(key, new JsonPrimitive(value));
    } else {
      text.append(' ').append(key).append('=').append(value);
    }
    return this;
  }

  /** A boolean: never quoted in text. */
  LogLine add(String key, boolean value) {
    if (asJson) {
      json.add(key, new JsonPrimitive(value));
    } else {
      text.append(' ').append(key).append('=').append(value);
    }
    return this;
  }

  @Override
  public String toString() {
    return asJson ? json.toString() : text.toString();
  }

  /** Quotes values with spaces, quotes, '=' or control characters, so a line parses back. */
  private void quoteIfNeeded(String value) {
    boolean plain = !value.isEmpty();
    for (int i = 0; i < value.length() && plain; i++) {
      char c = value.charAt(i);
      plain = c > ' ' && c != '"' && c != '=' && c != '\\' && c != 0x7f;
    }
    if (plain) {
      text.append(value);
      return;
    }
    text.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\') {
        text.append('\\').append(c);
      } else if (c < ' ' || c == 0x7f) {
        text.append(String.format("\\u%04x", (int) c));
      } else {
        text.append(c);
      }
    }
    text.append('"');
  }
}
