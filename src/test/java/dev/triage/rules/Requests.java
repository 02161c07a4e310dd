package dev.triage.rules;

import dev.triage.admission.AdmissionRequest;
import dev.triage.admission.ManifestRequests;
import java.util.LinkedHashMap;
import java.util.Map;

/** Admission requests as the apiserver sends them, built from manifests or field by field. */
final class Requests {
  private final Map<String, Object> raw = new LinkedHashMap<>();

  private Requests(String operation, String group, String version, String resource) {
    raw.put("uid", "test-uid");
    raw.put("operation", operation);
    raw.put("resource", gvr(group, version, resource));
    raw.put("name", "");
    raw.put("namespace", "");
  }

  /** A request for {@code group/version/resource}, cluster-scoped until {@link #namespace} is set. */
  static Requests request(String operation, String group, String version, String resource) {
    return new Requests(operation, group, version, resource);
  }

  static AdmissionRequest create(String manifest) {
    return ManifestRequests.of(Rules.manifest(manifest), null, "CREATE", "default");
  }

  static AdmissionRequest create(String manifest, String namespace) {
    return ManifestRequests.of(Rules.manifest(manifest), null, "CREATE", namespace);
  }

  static AdmissionRequest update(String manifest, String oldManifest) {
    return ManifestRequests.of(Rules.manifest(manifest), Rules.manifest(oldManifest), "UPDATE", "default");
  }

  static AdmissionRequest delete(String oldManifest) {
    return ManifestRequests.of(null, Rules.manifest(oldManifest), "DELETE", "default");
  }

  /** A Pod manifest with the given labels (a YAML flow mapping) and {@code spec} (another). */
  static String pod(String name, String labels, String spec) {
    return "{apiVersion: v1, kind: Pod, metadata: {name: " + name + ", labels: " + labels + "}, spec: " + spec + "}";
  }

  static String deployment(String name, long replicas) {
    return "{apiVersion: apps/v1, kind: Deployment, metadata: {name: " + name + "}, spec: {replicas: " + replicas
        + "}}";
  }

  Requests subResource(String subResource) {
    raw.put("subResource", subResource);
    return this;
  }

  Requests namespace(String namespace) {
    raw.put("namespace", namespace);
    return this;
  }

  Requests name(String name) {
    raw.put("name", name);
    return this;
  }

  /** The resource the user sent, when the apiserver converted it to another version. */
  Requests requestResource(String group, String version, String resource) {
    raw.put("requestResource", gvr(group, version, resource));
    return this;
  }

  Requests object(String manifest) {
    raw.put("object", Rules.manifest(manifest));
    return this;
  }

  AdmissionRequest build() {
    return new AdmissionRequest(new LinkedHashMap<>(raw));
  }

  private static Map<String, Object> gvr(String group, String version, String resource) {
    return Map.of("group", group, "version", version, "resource", resource);
  }
}
