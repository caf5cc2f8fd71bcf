package io.wsproxy.security.internal;

import io.wsproxy.AuthResult;
import io.wsproxy.AuthValidator;
import io.wsproxy.HandshakeRequest;
import io.wsproxy.Headers;
import io.wsproxy.Principal;
import io.wsproxy.Rejection;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The ready bearer-token validators of {@link AuthValidator#bearerTokens} and
 * {@link AuthValidator#bearer}. Exactly one token must be presented: none, a repeated
 * {@code Authorization} header, a repeated source, or tokens in two places are refused with 401 /
 * 4401. Immutable and thread-safe; never logs, prints or puts a token in a reason.
 */
public final class BearerValidator implements AuthValidator.Bearer {

  /** Longest token accepted: 4,096 chars (the handshake header limit bounds it anyway). */
  public static final int MAX_TOKEN_CHARS = 4096;

  /** Principal attribute naming the validator kind. */
  public static final String ATTR_METHOD = "auth.method";
  /** Principal attribute naming where the credential came from. */
  public static final String ATTR_SOURCE = "auth.source";

  static final String SOURCE_HEADER = "authorization";
  static final String SOURCE_SUBPROTOCOL = "subprotocol";
  static final String SOURCE_QUERY = "query";

  private static final String AUTHORIZATION = "Authorization";
  private static final String SCHEME = "bearer";

  private final TokenSet tokens; // exactly one of tokens and verifier is set
  private final AuthValidator.TokenVerifier verifier;
  private final boolean fromSubprotocol;
  private final String queryParameter; // null: the query is not read

  private BearerValidator(TokenSet tokens, AuthValidator.TokenVerifier verifier,
      boolean fromSubprotocol, String queryParameter) {
    this.tokens = tokens;
    this.verifier = verifier;
    this.fromSubprotocol = fromSubprotocol;
    this.queryParameter = queryParameter;
  }

  /** See {@link AuthValidator#bearerTokens(Collection)}. */
  public static BearerValidator ofTokens(Collection<String> tokens) {
    return new BearerValidator(TokenSet.of(tokens), null, false, null);
  }

  /** See {@link AuthValidator#bearer}. */
  public static BearerValidator ofVerifier(AuthValidator.TokenVerifier verifier) {
    return new BearerValidator(null, Objects.requireNonNull(verifier, "verifier"), false, null);
  }

  @Override
  public AuthValidator.Bearer alsoFromSubprotocol() {
    return new BearerValidator(tokens, verifier, true, queryParameter);
  }

  @Override
  public AuthValidator.Bearer alsoFromQueryParameter(String name) {
    Objects.requireNonNull(name, "queryParameter");
    if (name.isEmpty() || !name.chars().allMatch(c -> Character.isLetterOrDigit(c) && c < 0x80
        || c == '-' || c == '_' || c == '.')) {
      throw new IllegalArgumentException(
          "queryParameter must be letters, digits, '-', '_' or '.': " + name);
    }
    return new BearerValidator(tokens, verifier, fromSubprotocol, name);
  }

  /**
   * Whether {@code t} can be a token: 1 to {@link #MAX_TOKEN_CHARS} visible ASCII characters other
   * than {@code , ; " \} (so it survives a header list and a subprotocol list whole).
   */
  public static boolean isTokenSyntax(String t) {
    if (t.isEmpty() || t.length() > MAX_TOKEN_CHARS) {
      return false;
    }
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c <= 0x20 || c >= 0x7f || c == ',' || c == ';' || c == '"' || c == '\\') {
        return false;
      }
    }
    return true;
  }

  @Override
  public CompletionStage<AuthResult> validate(HandshakeRequest request) {
    List<Presented> found = new ArrayList<>(1);
    Rejection refused = fromHeader(request, found);
    if (refused == null && fromSubprotocol) {
      refused = fromSubprotocol(request, found);
    }
    if (refused == null && queryParameter != null) {
      refused = fromQuery(request, found);
    }
    if (refused == null && found.size() > 1) {
      refused = Rejection.unauthorized("Bearer token presented more than once");
    }
    if (refused == null && found.isEmpty()) {
      refused = Rejection.unauthorized(hasOtherScheme(request)
          ? "Unsupported authorization scheme" : "Missing bearer token");
    }
    if (refused != null) {
      return CompletableFuture.completedFuture(refused);
    }
    Presented p = found.get(0);
    if (verifier != null) {
      return verifier.verify(p.token, request);
    }
    int index = tokens.indexOf(p.token);
    AuthResult result = index < 0 ? Rejection.unauthorized("Invalid token")
        : new Principal("token-" + (index + 1), Map.of(ATTR_METHOD, "bearer", ATTR_SOURCE, p.source));
    return CompletableFuture.completedFuture(result);
  }

  /** A token and where it came from. */
  private record Presented(String token, String source) {
    @Override
    public String toString() {
      return "Presented{source=" + source + "}";
    }
  }

  private static final java.util.regex.Pattern CREDENTIALS =
      java.util.regex.Pattern.compile("[A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*\\s+\\S.*");

  /**
   * Whether one value holds two {@code <scheme> <credentials>} pairs: repeated fields can arrive
   * combined, with "," (RFC 7230 3.2.2) or "; " (Java-WebSocket 1.6.0). {@code Bearer a,b} is one
   * malformed credential, {@code Bearer a; Bearer b} two headers.
   */
  static boolean isCombined(String value) {
    int credentials = 0;
    for (String part : value.split("[,;]")) {
      if (CREDENTIALS.matcher(part.strip()).matches()) {
        credentials++;
      }
    }
    return credentials > 1;
  }

  private static Rejection fromHeader(HandshakeRequest request, List<Presented> found) {
    List<String> values = request.headers().all(AUTHORIZATION);
    if (values.size() > 1 || (values.size() == 1 && isCombined(values.get(0)))) {
      return Rejection.unauthorized("Duplicate Authorization header");
    }
    if (values.isEmpty() || !isBearer(values.get(0))) {
      return null;
    }
    String token = values.get(0).strip().substring(SCHEME.length()).strip();
    if (!isTokenSyntax(token)) {
      return Rejection.unauthorized("Malformed bearer token");
    }
    found.add(new Presented(token, SOURCE_HEADER));
    return null;
  }

  private static Rejection fromSubprotocol(HandshakeRequest request, List<Presented> found) {
    List<String> offered = request.subprotocols();
    int at = offered.indexOf(AuthValidator.BEARER_SUBPROTOCOL);
    if (at < 0) {
      return null;
    }
    if (offered.lastIndexOf(AuthValidator.BEARER_SUBPROTOCOL) != at) {
      return Rejection.unauthorized("Duplicate bearer subprotocol");
    }
    if (at + 1 >= offered.size() || !isTokenSyntax(offered.get(at + 1))) {
      return Rejection.unauthorized("Missing token after bearer subprotocol");
    }
    found.add(new Presented(offered.get(at + 1), SOURCE_SUBPROTOCOL));
    return null;
  }

  private Rejection fromQuery(HandshakeRequest request, List<Presented> found) {
    List<String> values = QueryParams.values(request.rawQuery(), queryParameter);
    if (values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      return Rejection.unauthorized("Duplicate token parameter");
    }
    String token = values.get(0);
    if (token == null || !isTokenSyntax(token)) {
      return Rejection.unauthorized("Malformed token parameter");
    }
    found.add(new Presented(token, SOURCE_QUERY));
    return null;
  }

  /** Whether the single {@code Authorization} value uses the Bearer scheme, in any case. */
  private static boolean isBearer(String value) {
    String v = value.strip();
    return v.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
        && (v.length() == SCHEME.length() || v.charAt(SCHEME.length()) == ' '
            || v.charAt(SCHEME.length()) == '\t');
  }

  private static boolean hasOtherScheme(HandshakeRequest request) {
    return request.headers().contains(AUTHORIZATION);
  }

  /**
   * Removes a Bearer {@code Authorization} header, the {@code bearer, <token>} pair from the offered
   * subprotocols (when read) and the token parameter from the query (when read).
   */
  @Override
  public HandshakeRequest withoutCredentials(HandshakeRequest request) {
    Headers headers = request.headers();
    Headers.Builder hb = null;
    List<String> auth = headers.all(AUTHORIZATION);
    if (auth.stream().anyMatch(BearerValidator::isBearer)) {
      hb = headers.toBuilder().remove(AUTHORIZATION);
      for (String v : auth) {
        if (!isBearer(v)) {
          hb.add(AUTHORIZATION, v);
        }
      }
    }
    if (fromSubprotocol && request.subprotocols().contains(AuthValidator.BEARER_SUBPROTOCOL)) {
      List<String> kept = new ArrayList<>();
      List<String> offered = request.subprotocols();
      for (int i = 0; i < offered.size(); i++) {
        if (offered.get(i).equals(AuthValidator.BEARER_SUBPROTOCOL)) {
          i++; // and the token after it
        } else {
          kept.add(offered.get(i));
        }
      }
      hb = (hb != null ? hb : headers.toBuilder()).remove("Sec-WebSocket-Protocol");
      if (!kept.isEmpty()) {
        hb.add("Sec-WebSocket-Protocol", String.join(", ", kept));
      }
    }
    String query = request.rawQuery();
    if (queryParameter != null && !QueryParams.values(query, queryParameter).isEmpty()) {
      query = QueryParams.without(query, queryParameter);
    }
    if (hb == null && Objects.equals(query, request.rawQuery())) {
      return request;
    }
    return request.toBuilder().headers(hb != null ? hb.build() : headers).rawQuery(query).build();
  }

  /** The configuration, never a token. */
  @Override
  public String toString() {
    return "AuthValidator.bearer{" + (tokens != null ? tokens : "verifier") + ", subprotocol="
        + fromSubprotocol + ", queryParameter=" + queryParameter + "}";
  }
}
