package dev.triage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Rules that could not be compiled keep the server out of the apiserver's way, and /readyz says why. */
class CompilationReadinessTest {
  @Test
  void notReadyWhileCompilingNorEverAfterCompilingThrew() {
    CompletableFuture<Object> compiling = new CompletableFuture<>();
    CompilationReadiness readiness = new CompilationReadiness(compiling);
    assertFalse(readiness.ready());
    assertEquals("rules: compiling", readiness.detail());

    compiling.completeExceptionally(new IllegalStateException("checked expression could not be planned"));
    assertFalse(readiness.ready());
    assertTrue(readiness.detail().contains("IllegalStateException: checked expression could not be planned"),
        readiness.detail());
    assertFalse(CompilationReadiness.completes(compiling));
  }

  @Test
  void readyOnceCompiled() {
    CompilationReadiness readiness = new CompilationReadiness(CompletableFuture.completedFuture("rules"));
    assertTrue(readiness.ready());
    assertEquals("rules: compiled", readiness.detail());
  }
}
