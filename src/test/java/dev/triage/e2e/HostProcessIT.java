package dev.triage.e2e;

/** Triage as a host process ({@code java -jar target/triage.jar serve}) behind a real kube-apiserver. */
class HostProcessIT extends AdmissionScenarios {
  @Override
  Triage start(KubeApiServer apiServer, Pki pki) throws Exception {
    return TriageProcess.start(apiServer, pki);
  }

  @Override
  String prefix() {
    return "host";
  }
}
