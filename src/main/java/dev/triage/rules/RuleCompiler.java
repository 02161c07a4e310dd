package dev.triage.rules;

import dev.triage.exceptions.ExceptionReader;
import dev.triage.exceptions.PolicyExceptions;
import dev.triage.yaml.SourceDocument;
import java.time.Clock;
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
  static final String MUTATING_POLICY = "MutatingAdmissionPolicy";
  static final String MUTATING_BINDING = "MutatingAdmissionPolicyBinding";

  private final CelEnvironment cel;
  private final Clock clock;

  /** @param clock when rules are read: an exception may reach at most a year past it */
  public RuleCompiler(CelEnvironment cel, Clock clock) {
    this.cel = cel;
    this.clock = clock;
  }

  public RuleCompiler(CelEnvironment cel) {
    this(cel, Clock.systemUTC());
  }

  public RuleSnapshot compile(List<SourceDocument> documents, List<RuleError> loadErrors) {
    List<RuleError> errors = new ArrayList<>(loadErrors);
    Map<String, ValidatingPolicy> validating = new LinkedHashMap<>();
    Map<String, MutatingPolicy> mutating = new LinkedHashMap<>();
    Map<PolicyBinding, SpecReader> validatingBindings = new LinkedHashMap<>();
    Map<PolicyBinding, SpecReader> mutatingBindings = new LinkedHashMap<>();
    List<SourceDocument> others = new ArrayList<>();
    List<SourceDocument> exceptionDocuments = new ArrayList<>();
    Set<String> broken = new HashSet<>();

    // Policies, where the expressions are, compile in parallel; their errors are then taken in document order.
    Map<SourceDocument, Compiled> policies = new java.util.IdentityHashMap<>();
    documents.parallelStream().filter(RuleCompiler::isPolicy).map(this::compilePolicy).toList()
        .forEach(compiled -> policies.put(compiled.document(), compiled));
    for (SourceDocument document : documents) {
      String kind = document.kind();
      if (ExceptionReader.isException(document)) {
        exceptionDocuments.add(document);
        continue;
      }
      if (!document.apiVersion().startsWith(GROUP)) {
        others.add(document);
        continue;
      }
      SpecReader spec = reader(document, errors);
      Compiled compiled = policies.get(document);
      if (compiled != null) {
        errors.addAll(compiled.errors());
      }
      switch (kind) {
        case VALIDATING_POLICY -> keep(spec, (ValidatingPolicy) compiled.policy(), validating, ValidatingPolicy::base,
            broken);
        case MUTATING_POLICY -> keep(spec, (MutatingPolicy) compiled.policy(), mutating, MutatingPolicy::base, broken);
        case VALIDATING_BINDING -> keepBinding(spec, binding(spec, true), validatingBindings);
        case MUTATING_BINDING -> keepBinding(spec, binding(spec, false), mutatingBindings);
        default -> others.add(document);
      }
    }

    List<RuleSnapshot.Bound<ValidatingPolicy>> boundValidating =
        bind(validating, ValidatingPolicy::base, validatingBindings, broken);
    List<RuleSnapshot.Bound<MutatingPolicy>> boundMutating =
        bind(mutating, MutatingPolicy::base, mutatingBindings, broken);

    Set<ParamKind> paramKinds = new HashSet<>();
    for (RuleSnapshot.Bound<?> bound : boundValidating) {
      paramKinds.add(bound.base().paramKind());
    }
    for (RuleSnapshot.Bound<?> bound : boundMutating) {
      paramKinds.add(bound.base().paramKind());
    }
    List<Map<String, Object>> params = new ArrayList<>();
    for (SourceDocument document : others) {
      if (paramKinds.stream().anyMatch(k -> k != null && k.isKindOf(document.content()))) {
        params.add(document.content());
      } else {
        errors.add(new RuleError(document.file(), document.start(), "", "kind",
            "\"" + document.apiVersion() + " " + document.kind() + "\" is neither an admission policy,"
                + " a binding, nor the paramKind of a loaded policy"));
      }
    }
    Map<String, List<String>> validationMessages = new LinkedHashMap<>();
    validating.forEach((name, policy) ->
        validationMessages.put(name, policy.validations().stream().map(Validation::message).toList()));
    PolicyExceptions exceptions = new ExceptionReader(validationMessages, mutating.keySet(), clock.instant())
        .read(exceptionDocuments, errors);
    return new RuleSnapshot(List.copyOf(boundValidating), List.copyOf(boundMutating), List.copyOf(params),
        exceptions, List.copyOf(errors));
  }

  private static boolean isPolicy(SourceDocument document) {
    return document.apiVersion().startsWith(GROUP)
        && (document.kind().equals(VALIDATING_POLICY) || document.kind().equals(MUTATING_POLICY));
  }

  /** A policy document compiled on its own, with the errors found in it. */
  private record Compiled(SourceDocument document, Object policy, List<RuleError> errors) {}

  private Compiled compilePolicy(SourceDocument document) {
    List<RuleError> errors = new ArrayList<>();
    SpecReader spec = reader(document, errors);
    Object policy = document.kind().equals(VALIDATING_POLICY) ? validatingPolicy(spec) : mutatingPolicy(spec);
    return new Compiled(document, policy, errors);
  }

  private static <P> void keep(SpecReader spec, P policy, Map<String, P> policies,
      java.util.function.Function<P, PolicyBase> base, Set<String> broken) {
    if (policy == null) {
      broken.add(spec.string("/metadata/name", ""));
      return;
    }
    String name = base.apply(policy).name();
    if (policies.containsKey(name)) {
      spec.error("/metadata/name", "a " + spec.document().kind() + " named " + name + " is already defined in "
          + base.apply(policies.get(name)).file());
    } else {
      policies.put(name, policy);
    }
  }

  private static void keepBinding(SpecReader spec, PolicyBinding binding, Map<PolicyBinding, SpecReader> bindings) {
    if (binding != null) {
      bindings.put(binding, spec);
    }
  }

  /**
   * Pairs each policy with its bindings, in the order the policies were read (mutations apply
   * in that order); a policy nobody binds gets the implicit, cluster-wide one.
   */
  private static <P> List<RuleSnapshot.Bound<P>> bind(Map<String, P> policies,
      java.util.function.Function<P, PolicyBase> base, Map<PolicyBinding, SpecReader> bindings, Set<String> broken) {
    bindings.forEach((binding, spec) -> {
      if (!policies.containsKey(binding.policyName()) && !broken.contains(binding.policyName())) {
        spec.error("/spec/policyName", "no policy named " + binding.policyName() + " is loaded");
      }
    });
    List<RuleSnapshot.Bound<P>> bound = new ArrayList<>();
    policies.forEach((name, policy) -> {
      List<PolicyBinding> own = bindings.keySet().stream().filter(b -> b.policyName().equals(name)).toList();
      for (PolicyBinding binding : own.isEmpty() ? List.of(PolicyBinding.implicit(name)) : own) {
        bound.add(new RuleSnapshot.Bound<>(base.apply(policy), policy, binding));
      }
    });
    return bound;
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

  private MutatingPolicy mutatingPolicy(SpecReader spec) {
    PolicyBase base = base(spec, MUTATING_POLICY);
    List<MutatingPolicy.Mutation> mutations = new ArrayList<>();
    for (String at : SpecReader.indexes(spec.size("/spec/mutations"), "/spec/mutations")) {
      String patchType = spec.string(at + "/patchType", "");
      switch (patchType) {
        case "JSONPatch" -> mutations.add(new MutatingPolicy.Mutation(true,
            spec.mutationExpression(at + "/jsonPatch/expression")));
        case "ApplyConfiguration" -> mutations.add(new MutatingPolicy.Mutation(false,
            spec.mutationExpression(at + "/applyConfiguration/expression")));
        default -> spec.error(at + "/patchType", "must be JSONPatch or ApplyConfiguration");
      }
    }
    if (mutations.isEmpty()) {
      spec.error("/spec/mutations", "needs at least one mutation");
    }
    String reinvocation = spec.string("/spec/reinvocationPolicy", "Never");
    if (!reinvocation.equals("Never") && !reinvocation.equals("IfNeeded")) {
      spec.error("/spec/reinvocationPolicy", "must be Never or IfNeeded");
    }
    return spec.failed() ? null : new MutatingPolicy(base, List.copyOf(mutations));
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

  private PolicyBinding binding(SpecReader spec, boolean validating) {
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
    if (actions.isEmpty() && validating) {
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
    if (!validating) {
      // A mutating policy's failure answers to its failurePolicy alone: under Fail it denies.
      actions = EnumSet.of(ValidationAction.DENY);
    }
    return spec.failed() ? null
        : new PolicyBinding(name, policyName, Set.copyOf(actions), match, paramRef, false);
  }
}
