package dev.triage.scan;

import java.util.Collection;
import java.util.Map;

/** The workloads as stored, as rules see objects: all of them, or one namespace's. */
@FunctionalInterface
public interface StoredWorkloads {
  Collection<Map<String, Object>> all();

  /** One namespace's workloads; a source that can, picks them before turning objects into maps. */
  default Collection<Map<String, Object>> in(String namespace) {
    return all().stream().filter(object -> namespace.equals(Workloads.namespace(object))).toList();
  }
}
