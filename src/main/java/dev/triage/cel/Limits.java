package dev.triage.cel;

/**
 * What one evaluation may spend.
 *
 * @param maxIterations comprehension iterations in one evaluation, nested ones included
 * @param maxSteps nodes one evaluation may visit (Kubernetes' per-expression cost limit in spirit)
 */
public record Limits(int maxIterations, long maxSteps) {}
