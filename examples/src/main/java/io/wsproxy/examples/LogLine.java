package io.wsproxy.examples;

import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

/**
 * One access-log line as ordered fields, rendered as {@code key=value} text (values quoted where
 * they need it) or as one JSON object. Not thread-safe; one per line, rendered once: a text line
 * builds in its thread's spare builder (one per thread, handed back by {@link #toString}), not in
 * a new one per connection.
 */
final class LogLine {

  /** Room for a connection line's fields without regrowing. */
  private static final int TEXT_CAPACITY = 384;
  /** A spare builder that grew past this (a long path or reason) is not kept. */
  private static final int KEPT_CAPACITY = 4 * TEXT_CAPACITY;
  /**
   * Each thread's spare builder, or null while a line of that thread has it (a "suppressed" line
   * is made while the line it comes before is still open: that one gets a new builder).
   */
  private static final ThreadLocal<StringBuilder[]> SPARE =
      ThreadLocal.withInitial(() -> new StringBuilder[1]);

  // only the one the format needs: a line is made for every connection that ends
  private StringBuilder text; // null once rendered
  private String rendered;
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
      text = spare().append(event);
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

  /** The line; the first call renders it, and a text line's builder goes back to its thread. */
  @Override
  public String toString() {
    if (asJson) {
      return json.toString();
    }
    if (rendered == null) {
      rendered = text.toString();
      if (text.capacity() <= KEPT_CAPACITY) {
        SPARE.get()[0] = text;
      }
      text = null;
    }
    return rendered;
  }

  private static StringBuilder spare() {
    StringBuilder[] slot = SPARE.get();
    StringBuilder b = slot[0];
    if (b == null) {
      return new StringBuilder(TEXT_CAPACITY);
    }
    slot[0] = null;
    b.setLength(0);
    return b;
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
