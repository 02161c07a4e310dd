package dev.triage.rules;

import dev.triage.cluster.LabelSelector;

/**
 * A binding's {@code paramRef}: one object by name, or every object a selector picks.
 *
 * @param namespace empty: the request's namespace for namespaced params, none for cluster-scoped
 * @param selector null when {@code name} is used
 * @param denyWhenMissing {@code parameterNotFoundAction: Deny} (the default)
 */
public record ParamRef(String name, String namespace, LabelSelector selector, boolean denyWhenMissing) {}
