package io.wsproxy;

import static io.wsproxy.security.internal.Handshakes.builder;
import static io.wsproxy.security.internal.Handshakes.from;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OriginFilterTest {

  private static final OriginFilter LIST = OriginFilter.allowList(
      "https://app.example.com", "https://*.example.com", "http://localhost:3000",
      "http://[::1]:8080", "https://bücher.de");

  private static boolean allows(OriginFilter f, String origin) {
    return f.allows(from("1.2.3.4", "Origin", origin));
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://app.example.com", "https://app.example.com:443",
      "HTTPS://APP.EXAMPLE.COM", "https://App.Example.Com", "https://a.example.com",
      "https://a.b.example.com", "https://x-y_z.example.com:443", "http://localhost:3000",
      "http://LOCALHOST:3000", "http://[::1]:8080", "http://[0:0:0:0:0:0:0:1]:8080",
      "https://xn--bcher-kva.de", " https://app.example.com ", "https://app.example.com\t"})
  void allowsListedOrigins(String origin) {
    assertTrue(allows(LIST, origin), origin);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      // wildcard must be whole labels in front of the suffix
      "https://example.com", "https://aexample.com", "https://example.com.evil.io",
      "https://a.example.com.evil.io", "https://evil.com/.example.com", "https://evilexample.com",
      "https://example.co", "https://xn--example-.com",
      // scheme and port exact
      "http://app.example.com", "wss://app.example.com", "https://app.example.com:8443",
      "http://localhost", "http://localhost:3001", "http://localhost:80", "https://localhost:3000",
      "http://127.0.0.1:3000", "http://[::2]:8080", "http://[::1]",
      // user info, path, query, fragment, trailing dot, empty labels
      "https://a.com@app.example.com", "https://app.example.com@evil.com",
      "https://user:pw@app.example.com", "https://app.example.com/", "https://app.example.com/x",
      "https://app.example.com?x", "https://app.example.com#x", "https://app.example.com.",
      "https://a..example.com", "https://.example.com", "https://*.example.com",
      // malformed ports
      "https://app.example.com:", "https://app.example.com:0443", "https://app.example.com:0",
      "https://app.example.com:65536", "https://app.example.com:+443", "https://app.example.com:44 3",
      "http://localhost:3000:3000",
      // whitespace, control characters, lists, encodings
      "https://app.example.com evil.com", "https://app. example.com", "https:// app.example.com",
      "https://app.example.com, https://evil.com", "https://app%2eexample.com",
      "https://app.example.com\\@evil.com", "https://app.example.com\u0001",
      // non-ASCII: IDN must arrive as punycode; Unicode case folding must not sneak in
      "https://bücher.de", "https://app.exampl\u0435.com", "https://\u212Aa.example.com",
      "https://app.example.\u0441om", "https://\uff41pp.example.com",
      // not an origin at all
      "app.example.com", "//app.example.com", "https:app.example.com", "https:/app.example.com",
      "*", "", "NULL", "undefined", "file://", "https://", "https://[::1", "https://[zz::1]",
      "1https://app.example.com", "ht tps://app.example.com"})
  void refusesHostileOrMalformedOrigins(String origin) {
    assertFalse(allows(LIST, origin), origin);
  }

  @Test
  void refusesSeveralOriginHeadersEvenWhenEachIsAllowed() {
    HandshakeRequest twice = from("1.2.3.4", "Origin", "https://app.example.com",
        "Origin", "https://app.example.com");
    assertFalse(LIST.allows(twice));
  }

  @Test
  void refusesOverlongOrigins() {
    assertFalse(allows(LIST, "https://" + "a.".repeat(300) + "example.com"));
    assertFalse(allows(LIST, "https://" + "a".repeat(64) + ".example.com"));
  }

  @Test
  void allowsAMissingOriginByDefaultAndRefusesItWhenAsked() {
    HandshakeRequest none = from("1.2.3.4");
    assertTrue(LIST.allows(none));
    assertFalse(OriginFilter.allowList("https://a.com").allowMissing(false).allows(none));
    assertFalse(OriginFilter.sameOrigin().allowMissing(false).allows(none));
  }

  @Test
  void refusesTheNullOriginByDefaultAndAllowsItWhenAsked() {
    assertFalse(allows(LIST, "null"));
    OriginFilter.Policy open = OriginFilter.allowList("https://a.com").allowNull(true);
    assertTrue(allows(open, "null"));
    assertFalse(allows(open, "Null"));
    assertTrue(allows(open.allowMissing(false), "null"));
    assertFalse(open.allowMissing(false).allows(from("1.2.3.4")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"*", "null", "example.com", "https://", "https://a.com/", "https://a.com/x",
      "https://user@a.com", "https://a.com?x=1", "https://a.com#f", "https://*.com",
      "https://*.localhost", "https://a.*.com", "https://*a.example.com", "https://*.*.example.com",
      "https://*", "https://*.[::1]", "https://a.com:0", "https://a.com:70000", "https://a.com.",
      "https://a com", "ftp//a.com", "https://a.com:*", "https://xn--.com\u0000"})
  void refusesInvalidPatternsNamingThem(String pattern) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OriginFilter.allowList("https://ok.example.com", pattern));
    assertTrue(e.getMessage().contains("'" + pattern + "'"), e.getMessage());
  }

  @Test
  void refusesAnEmptyOrNullAllowList() {
    assertThrows(IllegalArgumentException.class, () -> OriginFilter.allowList(List.of()));
    assertThrows(NullPointerException.class, () -> OriginFilter.allowList((String[]) null));
  }

  @Test
  void sameOriginComparesWithTheHostHeaderAndTheConnectionsScheme() {
    OriginFilter same = OriginFilter.sameOrigin();
    assertTrue(same.allows(from("1.2.3.4", "Host", "app.test:8080", "Origin", "http://app.test:8080")));
    assertTrue(same.allows(from("1.2.3.4", "Host", "APP.test", "Origin", "http://app.test:80")));
    assertTrue(same.allows(builder("1.2.3.4", "Host", "app.test", "Origin", "https://app.test")
        .secure(true).build()));
    assertTrue(same.allows(from("1.2.3.4", "Host", "[::1]:9000", "Origin", "http://[::1]:9000")));
    assertFalse(same.allows(from("1.2.3.4", "Host", "app.test", "Origin", "https://app.test")));
    assertFalse(same.allows(builder("1.2.3.4", "Host", "app.test", "Origin", "http://app.test")
        .secure(true).build()));
    assertFalse(same.allows(from("1.2.3.4", "Host", "app.test:8080", "Origin", "http://app.test")));
    assertFalse(same.allows(from("1.2.3.4", "Host", "app.test", "Origin", "http://evil.test")));
    assertFalse(same.allows(from("1.2.3.4", "Origin", "http://app.test")));
    assertFalse(same.allows(from("1.2.3.4", "Host", "app.test", "Host", "app.test",
        "Origin", "http://app.test")));
    assertFalse(same.allows(from("1.2.3.4", "Host", "app.test/x", "Origin", "http://app.test")));
  }

  @Test
  void sameOriginUsesForwardedProtoAndHostThatThePipelineKept() {
    OriginFilter same = OriginFilter.sameOrigin();
    assertTrue(same.allows(from("10.0.0.1", "Host", "backend:8080", "X-Forwarded-Host",
        "app.example.com", "X-Forwarded-Proto", "https", "Origin", "https://app.example.com")));
    assertTrue(same.allows(from("10.0.0.1", "Host", "app.example.com",
        "X-Forwarded-Proto", "https, http", "Origin", "https://app.example.com")));
    assertFalse(same.allows(from("10.0.0.1", "Host", "app.example.com",
        "X-Forwarded-Proto", "gopher", "Origin", "https://app.example.com")));
  }

  @Test
  void onlyAllowAllSaysItAllowsAll() {
    assertTrue(OriginFilter.allowAll().allowsAll());
    assertTrue(allows(OriginFilter.allowAll(), "https://evil.com"));
    assertTrue(OriginFilter.allowAll().allows(from("1.2.3.4", "Origin", "a", "Origin", "b")));
    assertFalse(LIST.allowsAll());
    assertFalse(OriginFilter.sameOrigin().allowsAll());
    OriginFilter custom = request -> true;
    assertFalse(custom.allowsAll());
  }

  @Test
  void policiesAreImmutable() {
    OriginFilter.Policy base = OriginFilter.allowList("https://a.com");
    base.allowMissing(false).allowNull(true);
    assertTrue(base.allows(from("1.2.3.4")));
    assertFalse(allows(base, "null"));
    assertTrue(base.toString().contains("https://a.com"), base.toString());
  }
}
