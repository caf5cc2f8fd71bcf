package io.wsproxy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * {@link Stages#now} answers the value of a plain future that completed normally, and {@code null}
 * for anything it cannot read without chaining (its callers then chain on the stage).
 */
class StagesTest {

  @Test
  void aCompletedFutureAnswersItsValue() {
    assertEquals("v", Stages.now(CompletableFuture.completedFuture("v")));
  }

  @Test
  void pendingFailedCancelledAndNullFuturesAnswerNull() {
    assertNull(Stages.now(new CompletableFuture<String>()));
    assertNull(Stages.now(CompletableFuture.<String>failedFuture(new IllegalStateException())));
    CompletableFuture<String> cancelled = new CompletableFuture<>();
    cancelled.cancel(false);
    assertNull(Stages.now(cancelled));
    assertNull(Stages.now(CompletableFuture.completedFuture(null)));
  }

  @Test
  void aMinimalStageOrASubclassIsNotLookedInto() {
    // a minimal stage's isDone and getNow throw UnsupportedOperationException
    assertNull(Stages.now(CompletableFuture.completedStage("v")));
    assertNull(Stages.now(new CompletableFuture<String>() {
      {
        complete("v");
      }
    }));
  }

  @Test
  void thenApplyAppliesAtOnceToAReadableValueAndChainsOnAnythingElse() {
    CompletableFuture<Integer> done = Stages.thenApply(CompletableFuture.completedFuture(2),
        v -> v * 3).toCompletableFuture();
    assertTrue(done.isDone(), "applied in the caller's thread");
    assertEquals(6, done.join());
    CompletableFuture<Integer> pending = new CompletableFuture<>();
    CompletableFuture<Integer> later = Stages.thenApply(pending, v -> v * 3).toCompletableFuture();
    assertFalse(later.isDone());
    pending.complete(5);
    assertEquals(15, later.join());
  }

  @Test
  void thenApplyFailsTheStageWhenTheFunctionThrowsAsThenApplyWould() {
    IllegalStateException boom = new IllegalStateException("boom");
    CompletableFuture<Object> failed = Stages.thenApply(CompletableFuture.completedFuture(1),
        v -> {
          throw boom;
        }).toCompletableFuture();
    CompletionException e = assertThrows(CompletionException.class, failed::join);
    assertSame(boom, e.getCause());
  }
}
