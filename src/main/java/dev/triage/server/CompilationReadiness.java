package dev.triage.server;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * {@code /readyz} while the rules compile at start: not ready until they have, and never ready
 * if compiling them threw, saying why (the server then answers no review correctly, so the
 * apiserver must not be sent to it).
 */
public final class CompilationReadiness implements ReadinessCheck {
  private final CompletableFuture<?> compiling;

  public CompilationReadiness(CompletableFuture<?> compiling) {
    this.compiling = compiling;
  }

  @Override
  public boolean ready() {
    return compiling.isDone() && !compiling.isCompletedExceptionally();
  }

  @Override
  public String detail() {
    if (!compiling.isDone()) {
      return "rules: compiling";
    }
    if (!compiling.isCompletedExceptionally()) {
      return "rules: compiled";
    }
    return "rules: compiling them failed (" + failure(compiling) + "); fix the rules or the image and restart";
  }

  /** Waits for {@code future}; false if it failed. */
  public static boolean completes(CompletableFuture<?> future) {
    try {
      future.join();
      return true;
    } catch (CompletionException e) {
      return false;
    }
  }

  /** What the compilation threw, by class and message. */
  public static String failure(CompletableFuture<?> failed) {
    try {
      failed.join();
      return "no failure";
    } catch (CompletionException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }
  }
}
