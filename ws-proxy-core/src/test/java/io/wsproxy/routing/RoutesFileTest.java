package io.wsproxy.routing;

import static io.wsproxy.routing.Requests.resolve;
import static io.wsproxy.routing.Requests.upstream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.Principal;
import io.wsproxy.RouteResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RoutesFileTest {

  private static final String FULL = """
      {
        "publicDomain": "sandbox.example.com",
        "routes": [{"prefix": "/echo", "upstream": "ws://127.0.0.1:9001"}],
        "sessions": [{"id": "abc", "host": "127.0.0.1", "owner": "alice",
                      "subprotocols": ["vite-hmr"],
                      "exposures": [{"port": 9001}, {"port": 9002, "pathPrefix": "/api"}]}],
        "plugins": [{"name": "web-terminal", "port": 9003, "path": "/ws"},
                    {"name": "off", "port": 9004, "running": false}]
      }
      """;

  @Test
  void loadsRoutesSessionsAndPluginsFromAFile(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("routes.json");
    Files.writeString(file, FULL);

    RoutesFile routes = RoutesFile.load(file);

    assertEquals(file.toString(), routes.source());
    assertEquals("ws://127.0.0.1:9001/x", upstream(routes.resolver(), "/echo/x"));
    assertEquals("ws://127.0.0.1:9003/ws", upstream(routes.resolver(), "/plugin-ws/web-terminal"));
    assertEquals("Plugin not running", ((io.wsproxy.Rejection) resolve(routes.resolver(),
        "/plugin-ws/off")).reason());
    assertSame(SessionRoutes.SESSION_NOT_FOUND, resolve(routes.resolver(), "/s/abc/ws/api"));
    io.wsproxy.Route api = (io.wsproxy.Route) routes.resolver().resolve(
        Requests.request("/s/abc/ws/api/v1?x=1"), Principal.of("alice"));
    assertEquals("ws://127.0.0.1:9002/api/v1?x=1", api.upstream().toString());
    assertEquals(List.of("vite-hmr"), api.subprotocols());

    RegisteredSession abc = routes.registeredSessions().get(0);
    assertEquals("wss://sandbox.example.com/s/abc/ws/api",
        abc.urls().forPort(9002).orElseThrow().path().ws().toString());
    assertTrue(routes.sessions().orElseThrow().get("abc").isPresent());
    assertTrue(routes.backends().isRunning("web-terminal"));
    assertTrue(routes.staticRoutes().isPresent());
    assertTrue(routes.backendRoutes().isPresent());
  }

  @Test
  void appliesTheOptionalTopLevelSettings() {
    RoutesFile routes = RoutesFile.parse("""
        {"publicDomain": "dev.local:8080", "secure": false, "subdomains": false,
         "sessionPattern": "/box/{sessionId}", "pluginPattern": "/ext/{name}",
         "pluginHost": "10.9.9.9",
         "sessions": [{"id": "abc", "host": "10.0.0.5", "tls": true, "exposures": [{"port": 1}]}],
         "plugins": [{"name": "p", "port": 2}]}
        """, "r.json");
    assertEquals("wss://10.0.0.5:1/x", upstream(routes.resolver(), "/box/abc/x"));
    assertEquals("ws://10.9.9.9:2/ws", upstream(routes.resolver(), "/ext/p"));
    ExposedUrls.Exposed e = routes.registeredSessions().get(0).urls().urls().get(0);
    assertEquals("ws://dev.local:8080/box/abc/", e.path().ws().toString());
    assertEquals(null, e.subdomain());
  }

  @Test
  void staticRoutesOnlyNeedNoPublicDomain() {
    RoutesFile routes = RoutesFile.parse(
        "{\"routes\": [{\"prefix\": \"/\", \"upstream\": \"ws://127.0.0.1:9001/base\"}]}", "r.json");
    assertEquals("ws://127.0.0.1:9001/base/s/abc/ws", upstream(routes.resolver(), "/s/abc/ws"));
    assertFalse(routes.sessions().isPresent());
    assertFalse(routes.backendRoutes().isPresent());
    assertSame(RouteResult.NO_MATCH, RoutesFile.parse(
        "{\"plugins\": []}", "x").resolver().resolve(Requests.request("/a"), Principal.ANONYMOUS));
  }

  @Test
  void givesRoutesSessionsAndPluginsTheirOwnUpstreamFailureCodeElseNone() {
    RoutesFile routes = RoutesFile.parse("""
        {"publicDomain": "sandbox.example.com",
         "routes": [{"prefix": "/own", "upstream": "ws://127.0.0.1:9001",
                     "upstreamFailureCloseCode": 4502},
                    {"prefix": "/plain", "upstream": "ws://127.0.0.1:9001"}],
         "sessions": [{"id": "own", "host": "127.0.0.1", "exposures": [{"port": 9002}],
                       "upstreamFailureCloseCode": 4503},
                      {"id": "plain", "host": "127.0.0.1", "exposures": [{"port": 9002}]}],
         "plugins": [{"name": "own", "port": 9003, "upstreamFailureCloseCode": 4504},
                     {"name": "plain", "port": 9003}]}
        """, "r.json");
    assertEquals(4502, failureCode(routes, "/own/x"));
    assertEquals(null, failureCode(routes, "/plain/x"));
    assertEquals(4503, failureCode(routes, "/s/own/ws/x"));
    assertEquals(null, failureCode(routes, "/s/plain/ws/x"));
    assertEquals(4504, failureCode(routes, "/plugin-ws/own"));
    assertEquals(null, failureCode(routes, "/plugin-ws/plain"));
  }

  private static Integer failureCode(RoutesFile routes, String path) {
    return ((io.wsproxy.Route) resolve(routes.resolver(), path)).upstreamFailureCloseCode();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "not JSON           | {                                           | r.json: not valid JSON",
      "trailing comma     | {`routes`: [],}                             | r.json: not valid JSON",
      "comment            | {/* x */ `routes`: []}                      | r.json: not valid JSON",
      "top is array       | []                                          | r.json: the top level must be a JSON object",
      "trailing data      | {`plugins`: []} {}                          | r.json: not valid JSON: malformed JSON at line 1 column 18",
      "nothing            | {}                                          | r.json: nothing to route",
      "only empty routes  | {`routes`: []}                              | r.json: nothing to route",
      "unknown field      | {`rutes`: []}                               | r.json: rutes: unknown field",
      "duplicate field    | {`plugins`: [], `plugins`: []}              | r.json: duplicate field $.plugins",
      "routes not array   | {`routes`: {}}                              | r.json: routes: must be an array",
      "route not object   | {`routes`: [1]}                             | r.json: routes[0]: must be an object",
      "no prefix          | {`routes`: [{`upstream`: `ws://h`}]}        | r.json: routes[0].prefix: is required",
      "bad upstream       | {`routes`: [{`prefix`: `/a`, `upstream`: `http://h`}]} | r.json: routes[0].upstream: upstream must be a ws:// or wss:// URI",
      "bad prefix         | {`routes`: [{`prefix`: `a`, `upstream`: `ws://h`}]}    | r.json: routes[0].prefix: prefix must start with '/'",
      "prefix twice       | {`routes`: [{`prefix`: `/a`, `upstream`: `ws://h`}, {`prefix`: `/a/`, `upstream`: `ws://h`}]} | r.json: routes[1].prefix: prefix routed twice",
      "sessions no domain | {`sessions`: [{`id`: `a`}]}                 | r.json: publicDomain: is required when sessions are listed",
      "bad domain         | {`publicDomain`: `https://x.example`, `sessions`: []} | r.json: publicDomain: publicDomain must not hold a scheme",
      "secure no domain   | {`secure`: true, `plugins`: []}             | r.json: secure: is set but publicDomain is not",
      "bad session id     | {`publicDomain`: `d.example`, `sessions`: [{`id`: `a/b`, `host`: `h`, `exposures`: [{`port`: 1}]}]} | r.json: sessions[0].id: id must match",
      "session no host    | {`publicDomain`: `d.example`, `sessions`: [{`id`: `a`, `exposures`: [{`port`: 1}]}]} | r.json: sessions[0].host: is required",
      "bad host           | {`publicDomain`: `d.example`, `sessions`: [{`id`: `a`, `host`: `h:80`, `exposures`: [{`port`: 1}]}]} | r.json: sessions[0].host: host must be a host name or IP address, without scheme, port or path: h:80",
      "no exposures       | {`publicDomain`: `d.example`, `sessions`: [{`id`: `a`, `host`: `h`}]} | r.json: sessions[0].exposures: must list at least one exposure",
      "port too big       | {`publicDomain`: `d.example`, `sessions`: [{`id`: `a`, `host`: `h`, `exposures`: [{`port`: 70000}]}]} | r.json: sessions[0].exposures[0]: port must be 1..65535: 70000",
      "port not integer   | {`publicDomain`: `d.example`, `sessions`: [{`id`: `a`, `host`: `h`, `exposures`: [{`port`: 1.5}]}]} | r.json: sessions[0].exposures[0].port: must be an integer",
      "port as string     | {`publicDomain`: `d.example`, `sessions`: [{`id`: `a`, `host`: `h`, `exposures`: [{`port`: `1`}]}]} | r.json: sessions[0].exposures[0].port: must be an integer",
      "bad pathPrefix     | {`publicDomain`: `d.example`, `sessions`: [{`id`: `a`, `host`: `h`, `exposures`: [{`port`: 1, `pathPrefix`: `/a/../b`}]}]} | r.json: sessions[0].exposures[0]: pathPrefix is not a clean path",
      "prefix exposed x2  | {`publicDomain`: `d.example`, `sessions`: [{`id`: `a`, `host`: `h`, `exposures`: [{`port`: 1}, {`port`: 2, `pathPrefix`: `/`}]}]} | r.json: sessions[0].exposures[1]: exposures: prefix / is exposed twice",
      "typo in exposure   | {`publicDomain`: `d.example`, `sessions`: [{`id`: `a`, `host`: `h`, `exposures`: [{`port`: 1, `pathprefix`: `/a`}]}]} | r.json: sessions[0].exposures[0].pathprefix: unknown field",
      "duplicate session  | {`publicDomain`: `d.example`, `sessions`: [{`id`: `a`, `host`: `h`, `exposures`: [{`port`: 1}]}, {`id`: `a`, `host`: `h`, `exposures`: [{`port`: 1}]}]} | r.json: sessions[1].id: duplicate session id a",
      "tls not boolean    | {`publicDomain`: `d.example`, `sessions`: [{`id`: `a`, `host`: `h`, `tls`: `yes`, `exposures`: [{`port`: 1}]}]} | r.json: sessions[0].tls: must be true or false",
      "bad plugin name    | {`plugins`: [{`name`: `../x`, `port`: 1}]}  | r.json: plugins[0]: name must match",
      "plugin no port     | {`plugins`: [{`name`: `p`}]}                | r.json: plugins[0].port: is required",
      "duplicate plugin   | {`plugins`: [{`name`: `p`, `port`: 1}, {`name`: `p`, `port`: 2}]} | r.json: plugins[1].name: duplicate plugin name p",
      "bad plugin path    | {`plugins`: [{`name`: `p`, `port`: 1, `path`: `ws`}]} | r.json: plugins[0]: path must be a clean path",
      "bad plugin pattern | {`pluginPattern`: `/p/{id}`, `plugins`: []} | r.json: pluginPattern: pattern must hold {name}",
      "pluginHost alone   | {`pluginHost`: `h`, `routes`: [{`prefix`: `/a`, `upstream`: `ws://h`}]} | r.json: pluginHost: is set but plugins is not",
      "bad subprotocol    | {`plugins`: [{`name`: `p`, `port`: 1, `subprotocols`: [`a b`]}]} | r.json: plugins[0]: subprotocols: not a valid subprotocol token",
      "route code 1006    | {`routes`: [{`prefix`: `/a`, `upstream`: `ws://h`, `upstreamFailureCloseCode`: 1006}]} | r.json: routes[0].upstreamFailureCloseCode: must be a close code that can be sent (1000-1003, 1007-1014 or 3000-4999, e.g. 4502): 1006",
      "route code 5000    | {`routes`: [{`prefix`: `/a`, `upstream`: `ws://h`, `upstreamFailureCloseCode`: 5000}]} | r.json: routes[0].upstreamFailureCloseCode: must be a close code that can be sent",
      "route code string  | {`routes`: [{`prefix`: `/a`, `upstream`: `ws://h`, `upstreamFailureCloseCode`: `4502`}]} | r.json: routes[0].upstreamFailureCloseCode: must be an integer",
      "route code float   | {`routes`: [{`prefix`: `/a`, `upstream`: `ws://h`, `upstreamFailureCloseCode`: 4502.5}]} | r.json: routes[0].upstreamFailureCloseCode: must be an integer",
      "session code 1015  | {`publicDomain`: `d.example`, `sessions`: [{`id`: `a`, `host`: `h`, `exposures`: [{`port`: 1}], `upstreamFailureCloseCode`: 1015}]} | r.json: sessions[0].upstreamFailureCloseCode: must be a close code that can be sent",
      "plugin code 1005   | {`plugins`: [{`name`: `p`, `port`: 1, `upstreamFailureCloseCode`: 1005}]} | r.json: plugins[0].upstreamFailureCloseCode: must be a close code that can be sent",
      "code on exposure   | {`publicDomain`: `d.example`, `sessions`: [{`id`: `a`, `host`: `h`, `exposures`: [{`port`: 1, `upstreamFailureCloseCode`: 4502}]}]} | r.json: sessions[0].exposures[0].upstreamFailureCloseCode: unknown field"})
  void refusesABadFileNamingTheFileAndTheField(String what, String json, String expected) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RoutesFile.parse(json.replace('`', '"'), "r.json"), what);
    assertTrue(e.getMessage().startsWith(expected),
        what + ": expected '" + expected + "...' but was '" + e.getMessage() + "'");
  }

  @Test
  void refusesDeepNesting() {
    String deep = "{\"routes\": " + "[".repeat(40) + "]".repeat(40) + "}";
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> RoutesFile.parse(deep, "r.json"));
    assertTrue(e.getMessage().startsWith("r.json: nested deeper than"), e.getMessage());
  }

  @Test
  void reportsAMissingFileAsAnIoError(@TempDir Path dir) {
    assertThrows(NoSuchFileException.class, () -> RoutesFile.load(dir.resolve("none.json")));
  }
}
