package io.wsproxy.security.internal;

import io.wsproxy.AuthResult;
import io.wsproxy.AuthValidator;
import io.wsproxy.HandshakeRequest;
import io.wsproxy.Principal;
import io.wsproxy.Rejection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link AuthValidator#anyOf} and {@link AuthValidator#allOf}: runs validators one after another
 * (never in parallel, so a later one is not called when the answer is known). A validator that
 * throws, fails or answers {@code null} counts as a refusal. Immutable and thread-safe; the
 * returned stage completes on whichever thread completes the last validator called.
 */
public final class CompositeValidator implements AuthValidator {

  private static final Logger log = LoggerFactory.getLogger(CompositeValidator.class);

  /** The validator of {@link AuthValidator#none()}: everyone is anonymous. */
  public static final AuthValidator NONE = new AuthValidator() {
    @Override
    public CompletionStage<AuthResult> validate(HandshakeRequest request) {
      return CompletableFuture.completedFuture(Principal.ANONYMOUS);
    }

    @Override
    public String toString() {
      return "AuthValidator.none";
    }
  };

  private static final Rejection FAILED = Rejection.unauthorized("Unauthorized");

  private final List<AuthValidator> validators;
  private final boolean all;

  private CompositeValidator(List<AuthValidator> validators, boolean all) {
    this.validators = validators;
    this.all = all;
  }

  /** See {@link AuthValidator#anyOf}. */
  public static AuthValidator anyOf(List<AuthValidator> validators) {
    return of(validators, false);
  }

  /** See {@link AuthValidator#allOf}. */
  public static AuthValidator allOf(List<AuthValidator> validators) {
    return of(validators, true);
  }

  private static AuthValidator of(List<AuthValidator> validators, boolean all) {
    List<AuthValidator> list = List.copyOf(validators); // rejects null elements
    if (list.isEmpty()) {
      throw new IllegalArgumentException("validators is empty");
    }
    return list.size() == 1 ? list.get(0) : new CompositeValidator(list, all);
  }

  @Override
  public CompletionStage<AuthResult> validate(HandshakeRequest request) {
    return all ? allFrom(0, request, null) : anyFrom(0, request, null);
  }

  private CompletionStage<AuthResult> anyFrom(int i, HandshakeRequest request, Rejection first) {
    return call(validators.get(i), request).thenCompose(result -> {
      if (result instanceof Principal) {
        return CompletableFuture.completedFuture(result);
      }
      Rejection kept = first != null ? first : (Rejection) result;
      return i + 1 < validators.size() ? anyFrom(i + 1, request, kept)
          : CompletableFuture.completedFuture(kept);
    });
  }

  private CompletionStage<AuthResult> allFrom(int i, HandshakeRequest request, Principal sofar) {
    return call(validators.get(i), request).thenCompose(result -> {
      if (result instanceof Rejection) {
        return CompletableFuture.completedFuture(result);
      }
      Principal p = sofar == null ? (Principal) result : merge(sofar, (Principal) result);
      return i + 1 < validators.size() ? allFrom(i + 1, request, p)
          : CompletableFuture.completedFuture(p);
    });
  }

  private static Principal merge(Principal first, Principal later) {
    Map<String, Object> attrs = new HashMap<>(later.attributes());
    attrs.putAll(first.attributes());
    return new Principal(first.name(), attrs);
  }

  /** One validator's answer, with every failure turned into a refusal. */
  private static CompletableFuture<AuthResult> call(AuthValidator v, HandshakeRequest request) {
    CompletionStage<AuthResult> stage;
    try {
      stage = v.validate(request);
    } catch (RuntimeException e) {
      log.warn("{} threw; counting it as a refusal of {}", v, request, e);
      return CompletableFuture.completedFuture(FAILED);
    }
    if (stage == null) {
      log.warn("{} returned a null stage; counting it as a refusal of {}", v, request);
      return CompletableFuture.completedFuture(FAILED);
    }
    return stage.handle((result, error) -> {
      if (error != null || result == null) {
        log.warn("{} failed; counting it as a refusal of {}", v, request, error);
        return FAILED;
      }
      return result;
    }).toCompletableFuture();
  }

  /** Applies every validator's {@link #withoutCredentials}, in order. */
  @Override
  public HandshakeRequest withoutCredentials(HandshakeRequest request) {
    HandshakeRequest r = request;
    for (AuthValidator v : validators) {
      r = Objects.requireNonNull(v.withoutCredentials(r), () -> v + " withoutCredentials gave null");
    }
    return r;
  }

  @Override
  public String toString() {
    return "AuthValidator." + (all ? "allOf" : "anyOf") + validators;
  }
}
