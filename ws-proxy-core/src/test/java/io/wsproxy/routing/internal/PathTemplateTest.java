package io.wsproxy.routing.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PathTemplateTest {

  private final PathTemplate middle = PathTemplate.parse("pattern", "/s/{id}/ws/", "id");
  private final PathTemplate trailing = PathTemplate.parse("pattern", "/plugin-ws/{id}", "id");

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/s/abc/ws       | abc | ''",
      "/s/abc/ws/      | abc | /",
      "/s/abc/ws/x/y   | abc | /x/y",
      "/s//ws/x        | ''  | /x",
      "/s/a%2fb/ws     | a%2fb | ''"})
  void matchesAPlaceholderInTheMiddle(String path, String value, String rest) {
    PathTemplate.Match m = middle.match(path);
    assertEquals(value, m.value());
    assertEquals(rest, m.rest());
  }

  @ParameterizedTest
  @ValueSource(strings = {"/s/abc", "/s/abc/", "/s/abc/wsx", "/s/abc/x/ws", "/s", "/sx/abc/ws", "/"})
  void doesNotMatchWhenALiteralPartDiffers(String path) {
    assertNull(middle.match(path));
  }

  @Test
  void reportsAnEmptyValueForTheBarePrefix() {
    assertEquals(new PathTemplate.Match("", ""), trailing.match("/plugin-ws"));
    assertEquals(new PathTemplate.Match("", ""), trailing.match("/plugin-ws/"));
    assertEquals(new PathTemplate.Match("t", "/a"), trailing.match("/plugin-ws/t/a"));
    assertNull(trailing.match("/plugin-wsx"));
  }

  @Test
  void expandsAndNormalisesTheTrailingSlash() {
    assertEquals("/s/abc/ws", middle.expand("abc"));
    assertEquals("/s/{id}/ws", middle.pattern());
  }
}
