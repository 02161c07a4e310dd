package dev.triage.rules;

import dev.triage.admission.AdmissionRequest;
import dev.triage.admission.AdmissionResponse;
import dev.triage.cluster.ClusterView;
import dev.triage.exceptions.PolicyException;
import dev.triage.rules.mutation.PatchBuilder;
import dev.triage.rules.mutation.PatchOp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The rule engine: one request in, one decision out. The server, the CLI and the tests all call
 * this; it knows nothing of HTTP or files. Reads the current {@link RuleSnapshot} once per
 * request, so a reload never splits a review.
 */
public final class Engine {
  /** Audit annotation key the apiserver itself uses for failed validations with the Audit action. */
  public static final String VALIDATION_FAILURE_ANNOTATION = "validation.policy.admission.k8s.io/validation_failure";
  /**
   * Audit annotation naming the policies that denied the request. Triage's own keys carry no
   * prefix: the apiserver prefixes a webhook's keys with the webhook's name, so the audit log
   * reads {@code validate.triage.dev/denied-by: require-pdb}.
   */
  public static final String DENIED_BY_ANNOTATION = "denied-by";
  /** Audit annotation naming the policies whose binding turned a failure into a warning (Warn action). */
  public static final String WARNED_BY_ANNOTATION = "warned-by";

  /**
   * Audit annotation naming each policy an exception lifted, with the exception:
   * {@code require-pdb=legacy-batch,default-security-context=vendor-scanner}.
   */
  public static final String EXCEPTED_BY_ANNOTATION = "excepted-by";

  private final Supplier<RuleSnapshot> rules;
  private final ClusterView cluster;
  private final Clock clock;

  public Engine(Supplier<RuleSnapshot> rules, ClusterView cluster, Clock clock) {
    this.rules = rules;
    this.cluster = cluster;
    this.clock = clock;
  }

  public Engine(RuleSnapshot rules, ClusterView cluster) {
    this(() -> rules, cluster, Clock.systemUTC());
  }

  /**
   * Validates against the current rules. A request that fails on what the cluster view said (its
   * PodDisruptionBudgets, or a namespace the view did not know) is decided once more on a fresh
   * read, so an object created a moment before its dependant never causes a false denial.
   */
  public Decision validate(AdmissionRequest request, Instant deadline) {
    RuleSnapshot snapshot = rules.get();
    ClusterVariable clusterVariable = new ClusterVariable(cluster, request.namespace());
    RequestContext context = context(request, deadline, cluster, clusterVariable);
    if (Mode.of(AdmissionRequest.labels(context.namespaceObject())) == Mode.DRY_RUN) {
      // Nothing was patched: judge the object as enforce mode would have stored it.
      request = asMutated(request, mutate(snapshot, context));
      context = context(request, deadline, cluster, clusterVariable);
    }
    Decision decision = validate(snapshot, context);
    boolean restedOnView = clusterVariable.read()
        || (!request.namespace().isEmpty() && cluster.namespace(request.namespace()).isEmpty());
    if (decision.failures().isEmpty() || !restedOnView) {
      return decision;
    }
    ClusterView fresh = cluster.refreshed(request.namespace());
    if (fresh == cluster) {
      return decision;
    }
    return validate(snapshot, context(request, deadline, fresh, new ClusterVariable(fresh, request.namespace())));
  }

  /**
   * Takes a request through both webhooks as the apiserver would, whatever the namespace's mode:
   * the mutations, then the validations on the object they leave. What the background scan and the
   * CLI ask of a stored or written object.
   *
   * @param validation null when mutation denied the request
   */
  public record Review(Decision mutation, Decision validation) {
    /** Every rule's result, mutating policies first. */
    public List<RuleResult> results() {
      if (validation == null) {
        return mutation.results();
      }
      List<RuleResult> all = new ArrayList<>(mutation.results());
      all.addAll(validation.results());
      return List.copyOf(all);
    }
  }

  public Review review(AdmissionRequest request, Instant deadline) {
    Decision mutation = mutate(request, deadline);
    if (!mutation.response().allowed()) {
      return new Review(mutation, null);
    }
    // In dry-run mode validate() mutates by itself.
    AdmissionRequest validated = mutation.mode() == Mode.DRY_RUN ? request : asMutated(request, mutation);
    return new Review(mutation, validate(validated, deadline));
  }

  private static AdmissionRequest asMutated(AdmissionRequest request, Decision mutation) {
    return mutation.mutated() == request.object() ? request : request.withObject(mutation.mutated());
  }

  private Decision validate(RuleSnapshot snapshot, RequestContext context) {
    AdmissionRequest request = context.request();
    Map<String, String> namespaceLabels = AdmissionRequest.labels(context.namespaceObject());
    Mode mode = Mode.of(namespaceLabels);
    List<String> errors = new ArrayList<>();
    ValidationEvaluator evaluator = new ValidationEvaluator(context, errors::add);
    List<Failure> failures = new ArrayList<>();
    List<String> matched = new ArrayList<>();
    List<RuleResult> results = new ArrayList<>();
    Map<String, String> annotations = new LinkedHashMap<>();
    Excepting excepting = new Excepting(snapshot.exceptions(), request, clock.instant());
    forEachBinding(snapshot, snapshot.validating(), request, namespaceLabels, matched, failures::add,
        (bound, params) -> {
          int failed = failures.size();
          int erred = errors.size();
          int lifted = excepting.lifts().size();
          boolean applied = evaluator.evaluate(bound, params, failures::add, annotations);
          List<Failure> own = failures.subList(failed, failures.size());
          Optional<PolicyException> exception = excepting.liftValidations(bound, own);
          Outcome outcome = !applied ? Outcome.SKIP
              : verdict(own, errors.size() > erred, exception.isPresent() ? Outcome.EXCEPTED : Outcome.PASS);
          List<Failure> reported = own.isEmpty() && exception.isPresent()
              ? liftedAsFailures(bound, excepting.lifts().subList(lifted, excepting.lifts().size())) : own;
          results.add(result(bound, outcome, reported, mode, List.of(), exception));
        }, results::add, mode);
    return new Decision(Responses.render(mode, failures, annotations, List.of(), excepting.lifts()), mode,
        List.copyOf(matched), List.copyOf(failures), List.of(), null, distinct(errors), List.copyOf(results));
  }

  /** What the lifted failures said, for the result of a binding an exception cleared. */
  private static List<Failure> liftedAsFailures(RuleSnapshot.Bound<?> bound, List<Excepting.Lift> lifts) {
    return lifts.stream().map(lift -> new Failure(lift.policy(), bound.binding(), -1, lift.message(), "", 0)).toList();
  }

  /**
   * Applies the matching mutating policies in order and answers with the RFC 6902 patch from
   * the admitted object to the result (none in dry-run mode, where warnings describe it instead).
   */
  public Decision mutate(AdmissionRequest request, Instant deadline) {
    return mutate(rules.get(), context(request, deadline, cluster, new ClusterVariable(cluster, request.namespace())));
  }

  private Decision mutate(RuleSnapshot snapshot, RequestContext context) {
    AdmissionRequest request = context.request();
    Map<String, String> namespaceLabels = AdmissionRequest.labels(context.namespaceObject());
    Mode mode = Mode.of(namespaceLabels);
    Object original = request.object();
    if (!(original instanceof Map<?, ?>)) {
      return new Decision(AdmissionResponse.allow(), mode, List.of(), List.of(), List.of(), original, List.of(),
          List.of());
    }
    List<String> errors = new ArrayList<>();
    MutationEvaluator evaluator = new MutationEvaluator(context, errors::add);
    List<Failure> failures = new ArrayList<>();
    List<String> matched = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    List<Responses.Change> described = new ArrayList<>();
    List<RuleResult> results = new ArrayList<>();
    Excepting excepting = new Excepting(snapshot.exceptions(), request, clock.instant());
    Object[] current = {original};
    forEachBinding(snapshot, snapshot.mutating(), request, namespaceLabels, matched, failures::add,
        (bound, params) -> {
          Object before = current[0];
          int failed = failures.size();
          int erred = errors.size();
          MutationEvaluator.Applied applied = evaluator.mutate(bound, before, params, failures::add);
          List<Failure> own = failures.subList(failed, failures.size());
          Object after = applied.object();
          boolean changes = after != before && !after.equals(before);
          Optional<PolicyException> exception = changes || !own.isEmpty()
              ? excepting.liftMutation(bound.base().name(), "not applied") : Optional.empty();
          if (exception.isPresent()) {
            own.clear();
            results.add(result(bound, Outcome.EXCEPTED, List.of(), mode, List.of(), exception));
            return;
          }
          List<PatchOp> ops = List.of();
          if (changes) {
            changed.add(bound.base().name());
            ops = PatchBuilder.diff(before, after);
            if (mode == Mode.DRY_RUN) {
              ops.forEach(op -> described.add(new Responses.Change(bound.base().name(), op)));
            }
            current[0] = after;
          }
          Outcome outcome = applied.skipped() ? Outcome.SKIP
              : verdict(own, errors.size() > erred, ops.isEmpty() ? Outcome.UNCHANGED : Outcome.MUTATED);
          results.add(result(bound, outcome, own, mode, ops, Optional.empty()));
        }, results::add, mode);
    AdmissionResponse response = Responses.render(mode, failures, new LinkedHashMap<>(), described, excepting.lifts());
    if (response.allowed() && mode != Mode.DRY_RUN && current[0] != original) {
      List<PatchOp> patch = PatchBuilder.diff(original, current[0]);
      if (!patch.isEmpty()) {
        response = response.withPatch(PatchBuilder.toJson(patch));
      }
    }
    return new Decision(response, mode, List.copyOf(matched), List.copyOf(failures), List.copyOf(changed),
        current[0], distinct(errors), List.copyOf(results));
  }

  /**
   * The strongest thing one binding's failures did: a denial fails; else an expression error the
   * failurePolicy let through; else a warning, else audit; with no failure, {@code quiet}.
   */
  private static Outcome verdict(List<Failure> failures, boolean erred, Outcome quiet) {
    if (failures.stream().anyMatch(failure -> failure.binding().actions().contains(ValidationAction.DENY))) {
      return Outcome.FAIL;
    }
    if (erred) {
      return Outcome.ERROR;
    }
    if (failures.isEmpty()) {
      return quiet;
    }
    return failures.stream().anyMatch(failure -> failure.binding().actions().contains(ValidationAction.WARN))
        ? Outcome.WARN : Outcome.AUDIT;
  }

  private static RuleResult result(RuleSnapshot.Bound<?> bound, Outcome outcome, List<Failure> failures, Mode mode,
      List<PatchOp> patch, Optional<PolicyException> exception) {
    String message = String.join("; ", failures.stream().map(Failure::message).toList());
    String reason = failures.isEmpty() ? "" : failures.get(0).reason();
    return new RuleResult(bound.base().name(), bound.binding().name(), outcome, message, reason, patch, mode,
        RuleResult.Source.ADMISSION, exception.map(PolicyException::name).orElse(""));
  }

  private static List<String> distinct(List<String> names) {
    return names.stream().distinct().toList();
  }

  /** Calls {@code evaluate} for each binding that matches, once per params object it selects. */
  private <P> void forEachBinding(RuleSnapshot snapshot, List<RuleSnapshot.Bound<P>> bindings,
      AdmissionRequest request, Map<String, String> namespaceLabels, List<String> matched,
      Consumer<Failure> failures, BiConsumer<RuleSnapshot.Bound<P>, Object> evaluate, Consumer<RuleResult> results,
      Mode mode) {
    for (RuleSnapshot.Bound<P> bound : bindings) {
      MatchResources bindingMatch = bound.binding().match();
      if (!bound.base().match().matches(request, namespaceLabels)
          || (bindingMatch != null && !bindingMatch.matches(request, namespaceLabels))) {
        continue;
      }
      matched.add(bound.base().name());
      ParamRef ref = bound.binding().paramRef();
      if (ref == null) {
        evaluate.accept(bound, null);
        continue;
      }
      List<Map<String, Object>> params = ParamLookup.find(snapshot.params(), bound.base().paramKind(), ref,
          request.namespace());
      // parameterNotFoundAction: Deny leaves the outcome to the policy's failurePolicy.
      if (params.isEmpty() && ref.denyWhenMissing() && bound.base().failClosed()) {
        Failure missing = new Failure(bound.base().name(), bound.binding(), -1,
            "no params found for binding " + bound.binding().name() + " (parameterNotFoundAction: Deny)",
            "Invalid", 422);
        failures.accept(missing);
        results.accept(result(bound, verdict(List.of(missing), false, Outcome.PASS), List.of(missing), mode,
            List.of(), Optional.empty()));
      }
      for (Map<String, Object> param : params) {
        evaluate.accept(bound, param);
      }
    }
  }

  private RequestContext context(AdmissionRequest request, Instant deadline, ClusterView view,
      ClusterVariable clusterVariable) {
    return new RequestContext(request, namespaceObject(request, view), clusterVariable, deadlineNanos(deadline));
  }

  /** Converts a wall-clock deadline to the monotonic clock evaluation budgets use. */
  private long deadlineNanos(Instant deadline) {
    long remaining;
    try {
      remaining = Duration.between(clock.instant(), deadline).toNanos();
    } catch (ArithmeticException e) {
      remaining = Long.MAX_VALUE / 2; // effectively no deadline (Instant.MAX)
    }
    return System.nanoTime() + Math.min(remaining, Long.MAX_VALUE / 2);
  }

  /** The Namespace the request is in; for a Namespace object, the object itself. */
  private static Map<String, Object> namespaceObject(AdmissionRequest request, ClusterView view) {
    if ("namespaces".equals(request.resource().resource()) && request.object() instanceof Map<?, ?> object) {
      @SuppressWarnings("unchecked")
      Map<String, Object> namespace = (Map<String, Object>) object;
      return namespace;
    }
    if (request.namespace().isEmpty()) {
      return null;
    }
    return view.namespace(request.namespace()).orElse(null);
  }

}
