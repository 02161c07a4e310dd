package dev.triage.rules;

/** A {@code variables} or {@code matchConditions} entry. */
public record NamedExpression(String name, Expression expression) {}
