package dev.triage.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.triage.admission.AdmissionRequest;
import dev.triage.cluster.ClusterView;
import dev.triage.cluster.StaticClusterView;
import dev.triage.yaml.SourceDocument;
import dev.triage.yaml.YamlException;
import dev.triage.yaml.YamlReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Rule documents written as YAML text, compiled the way the server compiles a rules directory. */
final class Rules {
  static final RuleCompiler COMPILER = new RuleCompiler(new CelEnvironment());

  private Rules() {}

  /** A ValidatingAdmissionPolicy document; {@code spec} is the YAML below {@code spec:}, unindented. */
  static String policy(String name, String spec) {
    return document("ValidatingAdmissionPolicy", name, spec);
  }

  /** A ValidatingAdmissionPolicyBinding document; {@code spec} is the YAML below {@code spec:}, unindented. */
  static String binding(String name, String spec) {
    return document("ValidatingAdmissionPolicyBinding", name, spec);
  }

  private static String document(String kind, String name, String spec) {
    return "apiVersion: admissionregistration.k8s.io/v1\nkind: " + kind + "\nmetadata:\n  name: " + name
        + "\nspec:\n" + spec.indent(2);
  }

  /** Joins documents into one multi-document file. */
  static String file(String... documents) {
    return String.join("---\n", documents);
  }

  /** Compiles files (one string each) and returns the snapshot, errors included. */
  static RuleSnapshot compile(String... files) {
    List<SourceDocument> documents = new ArrayList<>();
    for (int i = 0; i < files.length; i++) {
      try {
        documents.addAll(YamlReader.read("rules-" + i + ".yaml", files[i]));
      } catch (YamlException e) {
        fail("test rules are not valid YAML: " + e.getMessage());
      }
    }
    return COMPILER.compile(documents, List.of());
  }

  /** Compiles files that must load without errors. */
  static RuleSnapshot load(String... files) {
    RuleSnapshot snapshot = compile(files);
    assertEquals(List.of(), snapshot.errors(), "rule errors");
    return snapshot;
  }

  static Decision validate(String rules, AdmissionRequest request) {
    return validate(rules, ClusterView.EMPTY, request);
  }

  static Decision validate(String rules, ClusterView cluster, AdmissionRequest request) {
    return new Engine(load(rules), cluster).validate(request, Instant.MAX);
  }

  /** One object written as YAML (flow style keeps fixtures on one line). */
  static Map<String, Object> manifest(String yaml) {
    try {
      return YamlReader.read("manifest.yaml", yaml).get(0).content();
    } catch (YamlException e) {
      throw new AssertionError("test manifest is not valid YAML: " + e.getMessage(), e);
    }
  }

  /** A cluster view holding the given Namespaces (and PodDisruptionBudgets), each one YAML object. */
  static ClusterView cluster(String... manifests) {
    return new StaticClusterView(Arrays.stream(manifests).map(Rules::manifest).toList(), "default");
  }

  static String namespace(String name, String labels) {
    return "{apiVersion: v1, kind: Namespace, metadata: {name: " + name + ", labels: " + labels + "}}";
  }
}
