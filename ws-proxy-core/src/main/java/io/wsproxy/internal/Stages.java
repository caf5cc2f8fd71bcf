package io.wsproxy.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

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
}
