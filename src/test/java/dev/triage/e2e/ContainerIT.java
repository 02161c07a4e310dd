package dev.triage.e2e;

/** Triage as its container image, started by Testcontainers on podman, behind a real kube-apiserver. */
class ContainerIT extends AdmissionScenarios {
  @Override
  Triage start(KubeApiServer apiServer, Pki pki) throws Exception {
    return TriageContainer.start(apiServer, pki);
  }

  @Override
  String prefix() {
    return "container";
  }
}
