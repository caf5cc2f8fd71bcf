package io.wsproxy.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestPathsTraversalTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "/..", "/a/../b", "/.", "/a/./b", "/%2e%2e/x", "/%2E%2E/x", "/.%2e/x", "/%2e./x",
      "/..%2fetc", "/a%2fb", "/a%2Fb", "/a%5cb", "/a%5Cb", "/a\\b", "/%252e%252e/x",
      "/%25252e%25252e/x", "/a%252fb", "/..;/x", "/%2e%2e;jsessionid=1/x", "/a%00b",
      "/%2525252e%2525252e"})
  void detectsTraversal(String path) {
    assertTrue(RequestPaths.hasTraversal(path), path);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "/", "/a/b", "/a.b/c..d", "/...", "/100%25", "/a%20b", "/%2e%2ex",
      "/api;v=1", "/%25"})
  void acceptsOrdinaryPaths(String path) {
    assertFalse(RequestPaths.hasTraversal(path), path);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "/", "/a/b", "/a%20b", "/a:b@c", "/~x!$&'()*+,;="})
  void acceptsRawPaths(String s) {
    assertTrue(RequestPaths.isRawPath(s), s);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/a b", "/a%2", "/a%zz", "/a?b", "/a#b", "/é", "/a\"b", "/a<b>"})
  void refusesNonRawPaths(String s) {
    assertFalse(RequestPaths.isRawPath(s), s);
  }
}
