package dev.triage.rules;

import dev.triage.yaml.SourceDocument;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns rule documents into a {@link RuleSnapshot}. Every expression is compiled here, once.
 * A document with errors is left out and its errors are reported; the others still load.
 */
public final class RuleCompiler {
  static final String GROUP = "admissionregistration.k8s.io/";
  static final String VALIDATING_POLICY = "ValidatingAdmissionPolicy";
  static final String VALIDATING_BINDING = "ValidatingAdmissionPolicyBinding";

  private final CelEnvironment cel;

  public RuleCompiler(CelEnvironment cel) {
    this.cel = cel;
  }

  public RuleSnapshot compile(List<SourceDocument> documents, List<RuleError> loadErrors) {
    List<RuleError> errors = new ArrayList<>(loadErrors);
    Map<String, ValidatingPolicy> validating = new LinkedHashMap<>();
    Map<PolicyBinding, SpecReader> bindings = new LinkedHashMap<>();
    List<SourceDocument> others = new ArrayList<>();
    Set<String> brokenPolicies = new HashSet<>();

    for (SourceDocument document : documents) {
      String kind = document.kind();
      boolean admissionGroup = document.apiVersion().startsWith(GROUP);
      if (admissionGroup && kind.equals(VALIDATING_POLICY)) {
        SpecReader spec = reader(document, errors);
        ValidatingPolicy policy = validatingPolicy(spec);
        if (policy == null) {
          brokenPolicies.add(spec.string("/metadata/name", ""));
        } else if (validating.containsKey(policy.name())) {
          spec.error("/metadata/name", "a ValidatingAdmissionPolicy named " + policy.name()
              + " is already defined in " + validating.get(policy.name()).base().file());
        } else {
          validating.put(policy.name(), policy);
        }
      } else if (admissionGroup && kind.equals(VALIDATING_BINDING)) {
        SpecReader spec = reader(document, errors);
        PolicyBinding binding = binding(spec);
        if (binding != null) {
          bindings.put(binding, spec);
        }
      } else {
        others.add(document);
      }
    }

    List<RuleSnapshot.Bound<ValidatingPolicy>> bound = new ArrayList<>();
    Set<String> boundPolicies = new HashSet<>();
    for (PolicyBinding binding : bindings.keySet()) {
      ValidatingPolicy policy = validating.get(binding.policyName());
      if (policy != null) {
        bound.add(new RuleSnapshot.Bound<>(policy.base(), policy, binding));
        boundPolicies.add(policy.name());
      } else if (!brokenPolicies.contains(binding.policyName())) {
        bindings.get(binding).error("/spec/policyName",
            "no ValidatingAdmissionPolicy named " + binding.policyName() + " is loaded");
      }
    }
    for (ValidatingPolicy policy : validating.values()) {
      if (!boundPolicies.contains(policy.name())) {
        bound.add(new RuleSnapshot.Bound<>(policy.base(), policy, PolicyBinding.implicit(policy.name())));
      }
    }

    Set<ParamKind> paramKinds = new HashSet<>();
    validating.values().forEach(p -> {
      if (p.base().paramKind() != null) {
        paramKinds.add(p.base().paramKind());
      }
    });
    List<Map<String, Object>> params = new ArrayList<>();
    for (SourceDocument document : others) {
      if (paramKinds.stream().anyMatch(k -> k.isKindOf(document.content()))) {
        params.add(document.content());
      } else {
        errors.add(new RuleError(document.file(), document.start(), "", "kind",
            "\"" + document.apiVersion() + " " + document.kind() + "\" is neither an admission policy,"
                + " a binding, nor the paramKind of a loaded policy"));
      }
    }
    return new RuleSnapshot(List.copyOf(bound), List.copyOf(params), List.copyOf(errors));
  }

  private SpecReader reader(SourceDocument document, List<RuleError> errors) {
    String name = document.content().get("metadata") instanceof Map<?, ?> metadata
        && metadata.get("name") instanceof String n ? n : "(unnamed)";
    return new SpecReader(document, document.kind() + " " + name, cel, errors);
  }

  private ValidatingPolicy validatingPolicy(SpecReader spec) {
    PolicyBase base = base(spec, VALIDATING_POLICY);
    List<Validation> validations = new ArrayList<>();
    for (String at : SpecReader.indexes(spec.size("/spec/validations"), "/spec/validations")) {
      Expression expression = spec.expression(at + "/expression");
      Expression messageExpression = spec.get(at + "/messageExpression") == null
          ? null : spec.expression(at + "/messageExpression");
      String reason = spec.string(at + "/reason", "Invalid");
      if (!Set.of("Invalid", "Forbidden", "Unauthorized", "RequestEntityTooLarge").contains(reason)) {
        spec.error(at + "/reason", "must be one of Invalid, Forbidden, Unauthorized, RequestEntityTooLarge");
      }
      validations.add(new Validation(expression, spec.string(at + "/message", ""), messageExpression, reason));
    }
    List<AuditAnnotation> audits = new ArrayList<>();
    for (String at : SpecReader.indexes(spec.size("/spec/auditAnnotations"), "/spec/auditAnnotations")) {
      audits.add(new AuditAnnotation(spec.requiredString(at + "/key"), spec.expression(at + "/valueExpression")));
    }
    if (validations.isEmpty() && audits.isEmpty()) {
      spec.error("/spec", "needs at least one of validations or auditAnnotations");
    }
    return spec.failed() ? null : new ValidatingPolicy(base, List.copyOf(validations), List.copyOf(audits));
  }

  /** Reads the fields every policy kind shares. */
  PolicyBase base(SpecReader spec, String kind) {
    String name = spec.requiredString("/metadata/name");
    String failurePolicy = spec.string("/spec/failurePolicy", "Fail");
    if (!failurePolicy.equals("Fail") && !failurePolicy.equals("Ignore")) {
      spec.error("/spec/failurePolicy", "must be Fail or Ignore");
    }
    ParamKind paramKind = null;
    if (spec.get("/spec/paramKind") != null) {
      paramKind = new ParamKind(spec.requiredString("/spec/paramKind/apiVersion"),
          spec.requiredString("/spec/paramKind/kind"));
    }
    MatchResources match = spec.get("/spec/matchConstraints") == null
        ? MatchResources.EVERYTHING : match(spec, "/spec/matchConstraints");
    return new PolicyBase(kind, name, spec.document().file(), !failurePolicy.equals("Ignore"), paramKind, match,
        named(spec, "/spec/matchConditions"), named(spec, "/spec/variables"));
  }

  private List<NamedExpression> named(SpecReader spec, String pointer) {
    List<NamedExpression> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String at : SpecReader.indexes(spec.size(pointer), pointer)) {
      String name = spec.requiredString(at + "/name");
      if (!seen.add(name)) {
        spec.error(at + "/name", "duplicate name " + name);
      }
      out.add(new NamedExpression(name, spec.expression(at + "/expression")));
    }
    return List.copyOf(out);
  }

  MatchResources match(SpecReader spec, String pointer) {
    String matchPolicy = spec.string(pointer + "/matchPolicy", "Equivalent");
    if (!matchPolicy.equals("Equivalent") && !matchPolicy.equals("Exact")) {
      spec.error(pointer + "/matchPolicy", "must be Equivalent or Exact");
    }
    List<ResourceRule> include = spec.get(pointer + "/resourceRules") == null
        ? null : rules(spec, pointer + "/resourceRules");
    return new MatchResources(include, rules(spec, pointer + "/excludeResourceRules"),
        spec.selector(pointer + "/namespaceSelector"), spec.selector(pointer + "/objectSelector"),
        matchPolicy.equals("Exact"));
  }

  private List<ResourceRule> rules(SpecReader spec, String pointer) {
    List<ResourceRule> out = new ArrayList<>();
    for (String at : SpecReader.indexes(spec.size(pointer), pointer)) {
      Set<String> operations = spec.strings(at + "/operations");
      for (String operation : operations) {
        if (!Set.of("*", "CREATE", "UPDATE", "DELETE", "CONNECT").contains(operation)) {
          spec.error(at + "/operations", "unknown operation " + operation + ": use CREATE, UPDATE, DELETE, CONNECT or *");
        }
      }
      String scope = spec.string(at + "/scope", "*");
      if (!Set.of("*", "Cluster", "Namespaced").contains(scope)) {
        spec.error(at + "/scope", "must be *, Cluster or Namespaced");
      }
      if (spec.size(at + "/resources") == 0) {
        spec.error(at + "/resources", "must name at least one resource");
      }
      out.add(new ResourceRule(operations, spec.strings(at + "/apiGroups"), spec.strings(at + "/apiVersions"),
          List.copyOf(spec.strings(at + "/resources")), spec.strings(at + "/resourceNames"), scope));
    }
    return List.copyOf(out);
  }

  private PolicyBinding binding(SpecReader spec) {
    String name = spec.requiredString("/metadata/name");
    String policyName = spec.requiredString("/spec/policyName");
    Set<ValidationAction> actions = EnumSet.noneOf(ValidationAction.class);
    for (String action : spec.strings("/spec/validationActions")) {
      try {
        actions.add(ValidationAction.parse(action));
      } catch (IllegalArgumentException e) {
        spec.error("/spec/validationActions", e.getMessage());
      }
    }
    if (actions.contains(ValidationAction.DENY) && actions.contains(ValidationAction.WARN)) {
      spec.error("/spec/validationActions", "Deny and Warn together are not allowed: Deny already tells the user");
    }
    if (actions.isEmpty()) {
      spec.error("/spec/validationActions", "is required: list Deny, Warn and/or Audit");
    }
    MatchResources match = spec.get("/spec/matchResources") == null ? null : match(spec, "/spec/matchResources");
    ParamRef paramRef = null;
    if (spec.get("/spec/paramRef") != null) {
      String refName = spec.string("/spec/paramRef/name", "");
      boolean hasSelector = spec.get("/spec/paramRef/selector") != null;
      if (refName.isEmpty() == !hasSelector) {
        spec.error("/spec/paramRef", "set exactly one of name or selector");
      }
      String notFound = spec.string("/spec/paramRef/parameterNotFoundAction", "Deny");
      if (!notFound.equals("Deny") && !notFound.equals("Allow")) {
        spec.error("/spec/paramRef/parameterNotFoundAction", "must be Allow or Deny");
      }
      paramRef = new ParamRef(refName, spec.string("/spec/paramRef/namespace", ""),
          hasSelector ? spec.selector("/spec/paramRef/selector") : null, notFound.equals("Deny"));
    }
    return spec.failed() ? null
        : new PolicyBinding(name, policyName, Set.copyOf(actions), match, paramRef, false);
  }
}
