package dev.triage.cel;

/**
 * One node of a compiled expression: a small object that evaluates its part of the expression
 * over plain values. Errors are thrown as {@link CelError}.
 */
interface Node {
  Object eval(Frame frame);
}
