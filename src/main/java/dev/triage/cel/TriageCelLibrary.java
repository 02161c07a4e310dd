package dev.triage.cel;

import static dev.cel.common.CelOverloadDecl.newGlobalOverload;

import dev.cel.checker.CelCheckerBuilder;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.NullValue;
import dev.cel.compiler.CelCompilerLibrary;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntimeBuilder;
import dev.cel.runtime.CelRuntimeLibrary;
import dev.triage.cluster.LabelSelector;
import java.util.List;
import java.util.Map;

/**
 * What Triage adds to the Kubernetes CEL environment, so one rule covers every pod-bearing kind
 * and can read the cluster:
 * <ul>
 *   <li>{@code podTemplate(object)}: the pod template ({@code metadata}, {@code spec}) of a Pod,
 *       Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job or CronJob
 *       (for a Pod, the Pod itself); null for any other kind.
 *   <li>{@code podTemplatePath(object)}: the JSON pointer of that template, for patches:
 *       {@code ""} for a Pod, {@code "/spec/template"}, {@code "/spec/jobTemplate/spec/template"}.
 *   <li>{@code selectorMatches(selector, labels)}: a Kubernetes label selector against labels;
 *       false for a null selector.
 *   <li>{@code jsonpatch.escapeKey(key)}: RFC 6901 escaping, as in Kubernetes' mutation library.
 * </ul>
 */
public final class TriageCelLibrary implements CelCompilerLibrary, CelRuntimeLibrary {
  public static final TriageCelLibrary INSTANCE = new TriageCelLibrary();

  private TriageCelLibrary() {}

  @Override
  public void setCheckerOptions(CelCheckerBuilder checker) {
    checker.addFunctionDeclarations(
        CelFunctionDecl.newFunctionDeclaration("podTemplate",
            newGlobalOverload("triage_pod_template", SimpleType.DYN, SimpleType.DYN)),
        CelFunctionDecl.newFunctionDeclaration("podTemplatePath",
            newGlobalOverload("triage_pod_template_path", SimpleType.STRING, SimpleType.DYN)),
        CelFunctionDecl.newFunctionDeclaration("selectorMatches",
            newGlobalOverload("triage_selector_matches", SimpleType.BOOL, SimpleType.DYN, SimpleType.DYN)),
        CelFunctionDecl.newFunctionDeclaration("jsonpatch.escapeKey",
            newGlobalOverload("jsonpatch_escape_key", SimpleType.STRING, SimpleType.STRING)));
  }

  @Override
  public void setRuntimeOptions(CelRuntimeBuilder runtime) {
    runtime.addFunctionBindings(
        CelFunctionBinding.from("triage_pod_template", Object.class, TriageCelLibrary::podTemplate),
        CelFunctionBinding.from("triage_pod_template_path", Object.class, TriageCelLibrary::podTemplatePath),
        CelFunctionBinding.from("triage_selector_matches", Object.class, Object.class,
            TriageCelLibrary::selectorMatches),
        CelFunctionBinding.from("jsonpatch_escape_key", String.class,
            key -> key.replace("~", "~0").replace("/", "~1")));
  }

  /** Where each pod-bearing kind keeps its pod template. */
  public static String podTemplatePath(Object object) {
    String kind = object instanceof Map<?, ?> map && map.get("kind") instanceof String k ? k : "";
    return switch (kind) {
      case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job" -> "/spec/template";
      case "CronJob" -> "/spec/jobTemplate/spec/template";
      default -> "";
    };
  }

  private static final String[] TEMPLATE = {"spec", "template"};
  private static final String[] JOB_TEMPLATE = {"spec", "jobTemplate", "spec", "template"};

  public static Object podTemplate(Object object) {
    String kind = object instanceof Map<?, ?> map && map.get("kind") instanceof String k ? k : "";
    if (kind.equals("Pod")) {
      return object;
    }
    String[] path = switch (podTemplatePath(object)) {
      case "/spec/template" -> TEMPLATE;
      case "/spec/jobTemplate/spec/template" -> JOB_TEMPLATE;
      default -> null;
    };
    if (path == null) {
      return NullValue.NULL_VALUE;
    }
    Object current = object;
    for (String part : path) {
      if (!(current instanceof Map<?, ?> map) || !map.containsKey(part)) {
        return NullValue.NULL_VALUE;
      }
      current = map.get(part);
    }
    return current;
  }

  /** A missing selector selects nothing (a PDB without one protects no pod), an empty one everything. */
  @SuppressWarnings("unchecked")
  static boolean selectorMatches(Object selector, Object labels) {
    if (selector instanceof java.util.Optional<?> optional) {
      selector = optional.orElse(null);
    }
    if (!(selector instanceof Map<?, ?>)) {
      return false;
    }
    return LabelSelector.parse(selector).matches(labels instanceof Map<?, ?> map
        ? (Map<String, String>) map : Map.of());
  }

  /** The kinds {@link #podTemplate} understands. */
  public static final List<String> POD_BEARING_KINDS = List.of("Pod", "Deployment", "StatefulSet", "DaemonSet",
      "ReplicaSet", "ReplicationController", "Job", "CronJob");
}
