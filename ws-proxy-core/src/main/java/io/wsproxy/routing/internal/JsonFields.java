package io.wsproxy.routing.internal;

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
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One JSON object of a configuration file, read with errors that name the file and the field
 * ({@code routes.json: sessions[0].exposures[1].port: ...}). Parsing is strict RFC 8259 (no
 * comments, no trailing commas, no unquoted names), rejects duplicate names, and limits nesting to
 * {@value #MAX_DEPTH}. Errors are {@link IllegalArgumentException}s. Immutable; thread-confined use.
 */
public final class JsonFields {

  /** Deepest nesting of objects and arrays accepted. */
  public static final int MAX_DEPTH = 16;

  private final String source;
  private final String path; // "" for the root, else "sessions[0]."
  private final JsonObject object;

  private JsonFields(String source, String path, JsonObject object) {
    this.source = source;
    this.path = path;
    this.object = object;
  }

  /** Parses a document whose top level must be an object. */
  public static JsonFields parse(String json, String source) {
    try (JsonReader reader = new JsonReader(new StringReader(json))) {
      reader.setStrictness(Strictness.STRICT);
      JsonElement root = read(reader, source, 0);
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw new IllegalArgumentException(source + ": unexpected content after the top-level object");
      }
      if (!root.isJsonObject()) {
        throw new IllegalArgumentException(source + ": the top level must be a JSON object");
      }
      return new JsonFields(source, "", root.getAsJsonObject());
    } catch (IOException e) { // MalformedJsonException, EOFException: the message has line/column
      throw new IllegalArgumentException(source + ": not valid JSON: " + describe(e), e);
    }
  }

  /** Gson's message without its advice to parse leniently and its troubleshooting link. */
  private static String describe(IOException e) {
    String m = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
    int at = m.indexOf(" at line ");
    return m.startsWith("Use JsonReader.setStrictness") && at >= 0 ? "malformed JSON" + m.substring(at)
        : m;
  }

  private static JsonElement read(JsonReader r, String source, int depth) throws IOException {
    JsonToken token = r.peek();
    if ((token == JsonToken.BEGIN_OBJECT || token == JsonToken.BEGIN_ARRAY) && depth >= MAX_DEPTH) {
      throw new IllegalArgumentException(source + ": nested deeper than " + MAX_DEPTH + " at "
          + r.getPath());
    }
    switch (token) {
      case BEGIN_OBJECT -> {
        JsonObject o = new JsonObject();
        r.beginObject();
        while (r.hasNext()) {
          String name = r.nextName();
          if (o.has(name)) {
            throw new IllegalArgumentException(source + ": duplicate field " + r.getPath());
          }
          o.add(name, read(r, source, depth + 1));
        }
        r.endObject();
        return o;
      }
      case BEGIN_ARRAY -> {
        JsonArray a = new JsonArray();
        r.beginArray();
        while (r.hasNext()) {
          a.add(read(r, source, depth + 1));
        }
        r.endArray();
        return a;
      }
      case STRING -> {
        return new JsonPrimitive(r.nextString());
      }
      case NUMBER -> {
        return new JsonPrimitive(new BigDecimal(r.nextString()));
      }
      case BOOLEAN -> {
        return new JsonPrimitive(r.nextBoolean());
      }
      case NULL -> {
        r.nextNull();
        return JsonNull.INSTANCE;
      }
      default -> throw new IllegalArgumentException(source + ": unexpected " + token + " at "
          + r.getPath());
    }
  }

  /** Fails if the object has a field not in {@code allowed} (catches typos). */
  public JsonFields allowOnly(Set<String> allowed) {
    for (String name : object.keySet()) {
      if (!allowed.contains(name)) {
        throw fail(name, "unknown field (expected one of " + new java.util.TreeSet<>(allowed) + ")");
      }
    }
    return this;
  }

  /** The field's raw JSON, or {@code null} when absent (for comparing two versions of a file). */
  public JsonElement raw(String name) {
    return object.get(name);
  }

  /** This object's raw JSON (for comparing two versions of an entry). */
  public JsonObject raw() {
    return object;
  }

  /** Whether the field is present and not null. */
  public boolean has(String name) {
    return object.has(name) && !object.get(name).isJsonNull();
  }

  /** A string field; {@code null} when absent and not required. */
  public String string(String name, boolean required) {
    JsonElement e = element(name, required);
    if (e == null) {
      return null;
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw fail(name, "must be a string");
    }
    return e.getAsString();
  }

  /** An integer field; {@code null} when absent and not required. */
  public Integer integer(String name, boolean required) {
    JsonElement e = element(name, required);
    if (e == null) {
      return null;
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
      throw fail(name, "must be an integer");
    }
    try {
      return e.getAsBigDecimal().intValueExact();
    } catch (ArithmeticException ex) {
      throw fail(name, "must be an integer: " + e);
    }
  }

  /** A boolean field, or {@code fallback} when absent. */
  public boolean bool(String name, boolean fallback) {
    JsonElement e = element(name, false);
    if (e == null) {
      return fallback;
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
      throw fail(name, "must be true or false");
    }
    return e.getAsBoolean();
  }

  /** An array of strings; empty when absent. */
  public List<String> strings(String name) {
    List<String> out = new ArrayList<>();
    JsonArray a = array(name);
    for (int i = 0; i < a.size(); i++) {
      JsonElement e = a.get(i);
      if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
        throw fail(name + "[" + i + "]", "must be a string");
      }
      out.add(e.getAsString());
    }
    return out;
  }

  /** An object field; {@code null} when absent. */
  public JsonFields object(String name) {
    JsonElement e = element(name, false);
    if (e == null) {
      return null;
    }
    if (!e.isJsonObject()) {
      throw fail(name, "must be an object");
    }
    return new JsonFields(source, path + name + ".", e.getAsJsonObject());
  }

  /** An array of objects; empty when absent. */
  public List<JsonFields> objects(String name) {
    List<JsonFields> out = new ArrayList<>();
    JsonArray a = array(name);
    for (int i = 0; i < a.size(); i++) {
      String at = name + "[" + i + "]";
      if (!a.get(i).isJsonObject()) {
        throw fail(at, "must be an object");
      }
      out.add(new JsonFields(source, path + at + ".", a.get(i).getAsJsonObject()));
    }
    return out;
  }

  /** Runs {@code action}, prefixing an {@link IllegalArgumentException} with file and field. */
  public <T> T check(String name, Supplier<T> action) {
    try {
      return action.get();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new IllegalArgumentException(where(name) + ": " + e.getMessage(), e);
    }
  }

  /** An error naming the file and the field. */
  public IllegalArgumentException fail(String name, String message) {
    return new IllegalArgumentException(where(name) + ": " + message);
  }

  private String where(String name) {
    String field = path + name;
    if (field.endsWith(".")) {
      field = field.substring(0, field.length() - 1);
    }
    return field.isEmpty() ? source : source + ": " + field;
  }

  private JsonArray array(String name) {
    JsonElement e = element(name, false);
    if (e == null) {
      return new JsonArray();
    }
    if (!e.isJsonArray()) {
      throw fail(name, "must be an array");
    }
    return e.getAsJsonArray();
  }

  private JsonElement element(String name, boolean required) {
    JsonElement e = object.get(name);
    if (e == null || e.isJsonNull()) {
      if (required) {
        throw fail(name, "is required");
      }
      return null;
    }
    return e;
  }
}
