package io.wsproxy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.concurrent.CompletableFuture;
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
}
