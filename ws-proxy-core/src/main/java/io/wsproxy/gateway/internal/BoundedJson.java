package io.wsproxy.gateway.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Parses one JSON text into a Gson tree without recursion, refusing it as soon as it nests deeper
 * than a bound: a 100,000-deep {@code [[[[…} costs a few bytes of reading, never a stack overflow
 * or a 100,000-node tree. Strict JSON (RFC 8259): no comments, no trailing data. Thread-safe
 * (stateless).
 */
public final class BoundedJson {

  /** Why a text was refused. */
  public static final class JsonRefused extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean tooDeep;

    JsonRefused(String message, boolean tooDeep) {
      super(message, null, false, false);
      this.tooDeep = tooDeep;
    }

    /** Whether the text was refused for its depth rather than its syntax. */
    public boolean tooDeep() {
      return tooDeep;
    }
  }

  private BoundedJson() {}

  /** Parses {@code text}; throws {@link JsonRefused} if it is not JSON or nests past {@code maxDepth}. */
  public static JsonElement parse(String text, int maxDepth) throws JsonRefused {
    try (JsonReader reader = new JsonReader(new StringReader(text))) {
      reader.setStrictness(Strictness.STRICT);
      JsonElement root = read(reader, maxDepth);
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw new JsonRefused("trailing data after the JSON value", false);
      }
      return root;
    } catch (IOException | IllegalStateException | NumberFormatException e) {
      throw new JsonRefused("malformed JSON", false);
    }
  }

  private static JsonElement read(JsonReader reader, int maxDepth) throws IOException, JsonRefused {
    Deque<JsonElement> open = new ArrayDeque<>();
    Deque<String> names = new ArrayDeque<>();
    while (true) {
      JsonToken token = reader.peek();
      JsonElement value;
      switch (token) {
        case BEGIN_ARRAY, BEGIN_OBJECT -> {
          if (open.size() >= maxDepth) {
            throw new JsonRefused("JSON nested deeper than " + maxDepth + " levels", true);
          }
          JsonElement container;
          if (token == JsonToken.BEGIN_ARRAY) {
            reader.beginArray();
            container = new JsonArray();
          } else {
            reader.beginObject();
            container = new JsonObject();
          }
          attach(open, names, container);
          open.push(container);
          continue;
        }
        case END_ARRAY, END_OBJECT -> {
          if (token == JsonToken.END_ARRAY) {
            reader.endArray();
          } else {
            reader.endObject();
          }
          JsonElement done = open.pop();
          if (open.isEmpty()) {
            return done;
          }
          continue;
        }
        case NAME -> {
          names.push(reader.nextName());
          continue;
        }
        case STRING -> value = new JsonPrimitive(reader.nextString());
        case NUMBER -> value = new JsonPrimitive(number(reader.nextString()));
        case BOOLEAN -> value = new JsonPrimitive(reader.nextBoolean());
        case NULL -> {
          reader.nextNull();
          value = JsonNull.INSTANCE;
        }
        default -> throw new JsonRefused("unexpected end of JSON", false);
      }
      if (open.isEmpty()) {
        return value;
      }
      attach(open, names, value);
    }
  }

  private static void attach(Deque<JsonElement> open, Deque<String> names, JsonElement value) {
    JsonElement parent = open.peek();
    if (parent == null) {
      return;
    }
    if (parent instanceof JsonArray array) {
      array.add(value);
    } else {
      ((JsonObject) parent).add(names.pop(), value);
    }
  }

  /**
   * A long when the literal is one written canonically (so it prints back the same), else the
   * literal itself: numbers round-trip exactly and nothing here parses a huge exponent.
   */
  private static Number number(String literal) {
    if (literal.length() <= 19 && literal.indexOf('.') < 0 && literal.indexOf('e') < 0
        && literal.indexOf('E') < 0) {
      try {
        long n = Long.parseLong(literal);
        if (Long.toString(n).equals(literal)) { // not -0
          return n;
        }
      } catch (NumberFormatException outOfRange) {
        // fall through: kept as written
      }
    }
    return new JsonNumber(literal);
  }

  /** The UTF-8 length of {@code s} in bytes, without encoding it. */
  public static long utf8Length(CharSequence s) {
    long bytes = 0;
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }
}
