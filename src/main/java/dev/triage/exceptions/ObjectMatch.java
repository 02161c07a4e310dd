package dev.triage.exceptions;

import dev.triage.cluster.LabelSelector;
import java.util.List;
import java.util.Set;

/**
 * The objects an exception admits. Every field that is given must fit; an empty list places no
 * limit. Names may hold {@code *}, which stands for any run of characters ({@code scanner-*}).
 */
public record ObjectMatch(Set<String> namespaces, Set<String> kinds, List<String> names, LabelSelector selector) {

  public boolean matches(ExceptedObject object) {
    return (namespaces.isEmpty() || namespaces.contains(object.namespace()))
        && (kinds.isEmpty() || kinds.contains(object.kind()))
        && (names.isEmpty() || names.stream().anyMatch(pattern -> glob(pattern, object.name())))
        && selector.matches(object.labels());
  }

  /** {@code *} matches any run of characters, everything else itself. */
  static boolean glob(String pattern, String name) {
    int star = pattern.indexOf('*');
    if (star < 0) {
      return pattern.equals(name);
    }
    String head = pattern.substring(0, star);
    if (!name.startsWith(head)) {
      return false;
    }
    String rest = pattern.substring(star + 1);
    for (int from = head.length(); from <= name.length(); from++) {
      if (glob(rest, name.substring(from))) {
        return true;
      }
    }
    return false;
  }
}
