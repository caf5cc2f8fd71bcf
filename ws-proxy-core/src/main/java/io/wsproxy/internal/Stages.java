package io.wsproxy.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The value of a stage that is complete already, so that a handshake whose steps all answer at once
 * (no asynchronous validator: the usual case) goes through them without a dependent future, stage
 * object and completion walk per step. Only a plain {@link CompletableFuture} is looked into: a
 * {@link CompletableFuture#minimalCompletionStage() minimal stage} or another implementation
 * answers {@code null} (not known to be complete), and its caller chains on it as before.
 *
 * <p><b>Threading.</b> Stateless; thread-safe.
 */
final class Stages {

  private Stages() {}

  /**
   * The value {@code stage} completed with, or {@code null} when it is not complete yet, completed
   * exceptionally, or not a plain {@link CompletableFuture} (or completed with {@code null}).
   */
  static <T> T now(CompletionStage<T> stage) {
    if (stage.getClass() != CompletableFuture.class) {
      return null;
    }
    CompletableFuture<T> f = (CompletableFuture<T>) stage;
    return f.isDone() && !f.isCompletedExceptionally() ? f.getNow(null) : null;
  }

  /**
   * {@code stage.thenApply(fn)}, with {@code fn} applied at once, in this thread, when {@link #now}
   * reads the value: a completed future then, failed (as {@code thenApply} fails it) if {@code fn}
   * throws.
   */
  static <T, U> CompletionStage<U> thenApply(CompletionStage<T> stage,
      Function<? super T, ? extends U> fn) {
    T value = now(stage);
    if (value == null) {
      return stage.thenApply(fn);
    }
    try {
      return CompletableFuture.completedFuture(fn.apply(value));
    } catch (Throwable e) {
      return CompletableFuture.failedFuture(new CompletionException(e));
    }
  }
}
