package io.wsproxy.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueryParamsTest {

  @Test
  void readsEveryValueOfAName() {
    assertEquals(List.of("1", "", "3"), QueryParams.values("t=1&x=2&t&t=3", "t"));
    assertEquals(List.of(), QueryParams.values(null, "t"));
    assertEquals(List.of(), QueryParams.values("", "t"));
  }

  @Test
  void decodesStrictlyAndKeepsPlus() {
    assertEquals("a+b c/é", QueryParams.decode("a+b%20c%2F%C3%A9"));
    assertEquals(Arrays.asList((String) null), QueryParams.values("t=%4", "t"));
    assertNull(QueryParams.decode("%g0"));
    assertNull(QueryParams.decode("%\u0663\u0663")); // Arabic-Indic digits are not hex
    assertNull(QueryParams.decode("%C3"));
    assertNull(QueryParams.decode("é"));
  }

  @Test
  void removesOnlyTheNamedParameter() {
    assertEquals("a=1&b=2", QueryParams.without("t=x&a=1&%74=y&b=2&t", "t"));
    assertEquals("tt=1&a=t", QueryParams.without("tt=1&a=t", "t"));
    assertNull(QueryParams.without("t=1", "t"));
    assertNull(QueryParams.without(null, "t"));
  }
}
