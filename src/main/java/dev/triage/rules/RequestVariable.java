package dev.triage.rules;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The {@code request} variable: the AdmissionRequest as Kubernetes binds it, without
 * {@code object} and {@code oldObject} (rules read those as variables of their own), so a rule
 * that reads {@code request.object} fails here as it does in-tree.
 */
final class RequestVariable extends AbstractMap<String, Object> {
  private final Map<String, Object> raw;

  RequestVariable(Map<String, Object> raw) {
    this.raw = raw;
  }

  private static boolean hidden(Object key) {
    return "object".equals(key) || "oldObject".equals(key);
  }

  @Override
  public Object get(Object key) {
    return hidden(key) ? null : raw.get(key);
  }

  @Override
  public boolean containsKey(Object key) {
    return !hidden(key) && raw.containsKey(key);
  }

  @Override
  public Set<Entry<String, Object>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Entry<String, Object>> iterator() {
        return raw.entrySet().stream().filter(e -> !hidden(e.getKey())).iterator();
      }

      @Override
      public int size() {
        return (int) raw.keySet().stream().filter(k -> !hidden(k)).count();
      }
    };
  }
}
