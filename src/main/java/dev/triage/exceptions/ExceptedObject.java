package dev.triage.exceptions;

import java.util.Map;

/**
 * What an exception is matched against: an object's names and labels, never its other fields.
 *
 * @param namespace empty for a cluster-scoped object
 */
public record ExceptedObject(String namespace, String kind, String name, Map<String, String> labels) {}
