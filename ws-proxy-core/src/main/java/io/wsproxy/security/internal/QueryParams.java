package io.wsproxy.security.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and removes parameters of a raw query ({@code a=1&b=2}), with strict percent-decoding
 * ({@code +} stays a plus: tokens are often base64). Stateless and thread-safe.
 */
public final class QueryParams {

  private QueryParams() {}

  /**
   * The decoded values of every parameter whose decoded name is {@code name}, in order; a value that
   * is not valid percent-encoded UTF-8 is {@code null}. Empty when {@code rawQuery} is {@code null}.
   */
  public static List<String> values(String rawQuery, String name) {
    List<String> out = new ArrayList<>();
    if (rawQuery == null) {
      return out;
    }
    for (String pair : rawQuery.split("&", -1)) {
      int eq = pair.indexOf('=');
      String rawName = eq < 0 ? pair : pair.substring(0, eq);
      if (name.equals(decode(rawName))) {
        out.add(eq < 0 ? "" : decode(pair.substring(eq + 1)));
      }
    }
    return out;
  }

  /**
   * {@code rawQuery} without any parameter whose decoded name is {@code name}, other parameters
   * untouched; {@code null} when nothing is left.
   */
  public static String without(String rawQuery, String name) {
    if (rawQuery == null) {
      return null;
    }
    StringBuilder sb = new StringBuilder(rawQuery.length());
    for (String pair : rawQuery.split("&", -1)) {
      int eq = pair.indexOf('=');
      if (name.equals(decode(eq < 0 ? pair : pair.substring(0, eq)))) {
        continue;
      }
      if (sb.length() > 0) {
        sb.append('&');
      }
      sb.append(pair);
    }
    return sb.length() == 0 ? null : sb.toString();
  }

  /** {@code s} percent-decoded as UTF-8, or {@code null} when it is not valid. */
  public static String decode(String s) {
    if (s.indexOf('%') < 0 && s.chars().allMatch(c -> c < 0x80)) {
      return s;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) {
          return null;
        }
        int hi = IpAddresses.hexDigit(s.charAt(i + 1));
        int lo = IpAddresses.hexDigit(s.charAt(i + 2));
        if (hi < 0 || lo < 0) {
          return null;
        }
        bytes.write((hi << 4) | lo);
        i += 2;
      } else if (c < 0x80) {
        bytes.write(c);
      } else {
        return null; // raw non-ASCII is not valid in a request target
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
