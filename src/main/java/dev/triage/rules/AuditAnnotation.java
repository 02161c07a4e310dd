package dev.triage.rules;

/** An {@code auditAnnotations} entry: the value expression yields a string, or null to add nothing. */
public record AuditAnnotation(String key, Expression valueExpression) {}
