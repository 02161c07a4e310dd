package dev.triage.exceptions;

import dev.triage.cluster.LabelSelector;
import dev.triage.rules.RuleError;
import dev.triage.rules.SpecReader;
import dev.triage.yaml.SourceDocument;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code triage.dev/v1alpha1 Exception} documents, recording every problem with file, line
 * and column. An exception with a problem is left out: it admits nothing.
 */
public final class ExceptionReader {
  public static final String API_VERSION = "triage.dev/v1alpha1";
  public static final String KIND = "Exception";
  /** The furthest an exception may reach: past this it is a change to the rule, not an exception. */
  public static final java.time.Duration LONGEST = java.time.Duration.ofDays(366);

  private final Map<String, List<String>> validationMessages;
  private final Set<String> mutatingPolicies;
  private final Instant now;

  /**
   * @param validationMessages each loaded validating policy's validations, by index: their static messages ("" if none)
   * @param mutatingPolicies the loaded mutating policies
   * @param now when the rules are read: an exception may reach at most {@link #LONGEST} past it
   */
  public ExceptionReader(Map<String, List<String>> validationMessages, Set<String> mutatingPolicies, Instant now) {
    this.validationMessages = validationMessages;
    this.mutatingPolicies = mutatingPolicies;
    this.now = now;
  }

  public static boolean isException(SourceDocument document) {
    return document.apiVersion().equals(API_VERSION) && document.kind().equals(KIND);
  }

  /** Reads the exceptions among {@code documents}; two with one name are an error. */
  public PolicyExceptions read(List<SourceDocument> documents, List<RuleError> errors) {
    List<PolicyException> read = new ArrayList<>();
    for (SourceDocument document : documents) {
      read(document, errors).ifPresent(exception -> {
        Optional<PolicyException> twin = read.stream().filter(e -> e.name().equals(exception.name())).findFirst();
        if (twin.isPresent()) {
          errors.add(new RuleError(exception.file(), exception.position(), KIND + " " + exception.name(),
              "metadata.name", "an Exception named " + exception.name() + " is already defined at "
                  + twin.get().place()));
        } else {
          read.add(exception);
        }
      });
    }
    return new PolicyExceptions(List.copyOf(read));
  }

  Optional<PolicyException> read(SourceDocument document, List<RuleError> errors) {
    String name = document.content().get("metadata") instanceof Map<?, ?> m && m.get("name") instanceof String s
        ? s : "";
    SpecReader spec = new SpecReader(document, KIND + " " + name, null, errors);
    spec.requiredString("/metadata/name");
    List<PolicyTarget> targets = targets(spec);
    ObjectMatch match = match(spec);
    String justification = spec.requiredString("/spec/justification").strip();
    if (justification.isEmpty() && spec.get("/spec/justification") != null) {
      spec.error("/spec/justification", "must say why the rule cannot be met and what happens instead");
    }
    String expiresText = spec.requiredString("/spec/expires");
    Instant expires = expiresText.isEmpty() ? Instant.MAX : expires(spec, expiresText);
    String approvedBy = spec.string("/spec/approvedBy", "");
    String ticket = spec.string("/spec/ticket", "");
    if (spec.failed()) {
      return Optional.empty();
    }
    return Optional.of(new PolicyException(name, document.file(), document.start(), targets, match, justification,
        expires, expiresText, approvedBy, ticket));
  }

  private Instant expires(SpecReader spec, String text) {
    Instant expires;
    try {
      expires = text.length() == 10 ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant()
          : OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeException e) {
      spec.error("/spec/expires", "must be a date (2027-03-01, meaning 00:00 UTC) or an RFC 3339 time"
          + " (2027-03-01T17:00:00Z), not \"" + text + "\"");
      return Instant.MAX;
    }
    if (expires.isAfter(now.plus(LONGEST))) {
      spec.error("/spec/expires", text + " is more than a year away: choose a date before "
          + LocalDate.ofInstant(now.plus(LONGEST), ZoneOffset.UTC) + " and renew it then, or change the rule");
    }
    return expires;
  }

  private List<PolicyTarget> targets(SpecReader spec) {
    int n = spec.size("/spec/policies");
    if (n == 0) {
      spec.error("/spec/policies", "is required: list the policies this exception lifts ({policyName: ...})");
    }
    List<PolicyTarget> targets = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String pointer = "/spec/policies/" + i;
      String policy = spec.requiredString(pointer + "/policyName");
      List<String> messages = validationMessages.get(policy);
      if (!policy.isEmpty() && messages == null && !mutatingPolicies.contains(policy)) {
        spec.error(pointer + "/policyName", "no policy named " + policy + " is loaded");
      }
      Set<Integer> indexes = new LinkedHashSet<>();
      Set<String> named = new LinkedHashSet<>();
      int m = spec.size(pointer + "/validations");
      if (m > 0 && messages == null && mutatingPolicies.contains(policy)) {
        spec.error(pointer + "/validations/0", policy + " is a MutatingAdmissionPolicy: it has no validations;"
            + " leave validations out to lift its mutations");
      }
      for (int j = 0; j < m; j++) {
        String at = pointer + "/validations/" + j;
        Object value = spec.get(at);
        if (value instanceof Long index) {
          if (messages != null && (index < 0 || index >= messages.size())) {
            spec.error(at, policy + " has validations 0 to " + (messages.size() - 1) + ", not " + index);
          }
          indexes.add(index.intValue());
        } else if (value instanceof String message) {
          if (messages != null && !messages.contains(message)) {
            spec.error(at, "no validation of " + policy + " has the message \"" + message
                + "\": give its index or its message exactly");
          }
          named.add(message);
        } else {
          spec.error(at, "must be a validation's index (0, 1, ...) or its message");
        }
      }
      targets.add(new PolicyTarget(policy, Set.copyOf(indexes), Set.copyOf(named)));
    }
    return List.copyOf(targets);
  }

  private static ObjectMatch match(SpecReader spec) {
    Set<String> namespaces = spec.strings("/spec/match/namespaces");
    Set<String> kinds = spec.strings("/spec/match/kinds");
    List<String> names = List.copyOf(spec.strings("/spec/match/names"));
    LabelSelector selector = spec.get("/spec/match/selector") == null ? LabelSelector.EVERYTHING
        : spec.selector("/spec/match/selector");
    if (namespaces.isEmpty() && names.isEmpty() && selector.isEmpty()) {
      spec.error("/spec/match", "must name namespaces, names or a selector: an exception for every object is a"
          + " change to the rule itself");
    }
    return new ObjectMatch(namespaces, kinds, names, selector);
  }
}
