package dev.triage.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * An exception in the rules directory, through a real kube-apiserver: it admits exactly the
 * objects it names, with a warning saying which exception until when, and once its expiry passes
 * the same apply is denied again, with no reload and no restart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExceptionIT {
  /** Long enough for a reload and two applies on a busy machine; the test waits it out. */
  private static final Duration LIFETIME = Duration.ofSeconds(40);

  private KubeApiServer apiServer;
  private Kubectl kubectl;
  private TriageProcess triage;
  private Path rules;

  @BeforeAll
  void start() throws Exception {
    apiServer = KubeApiServer.get();
    kubectl = new Kubectl(apiServer);
    Pki pki = Pki.in(apiServer.dir.resolve("exception-pki"));
    rules = copyOfShippedRules(apiServer.dir.resolve("exception-rules"));
    WebhookRegistration.grantClusterView(kubectl);
    triage = TriageProcess.launch(apiServer, pki, apiServer.triageKubeconfig, rules);
    triage.awaitReady(pki);
    WebhookRegistration.register(apiServer, kubectl, triage, pki);
  }

  @AfterAll
  void stop() throws Exception {
    if (triage != null) {
      triage.close();
    }
    kubectl.run("delete", "mutatingwebhookconfiguration/triage", "validatingwebhookconfiguration/triage",
        "--ignore-not-found");
  }

  @Test
  void anExceptionAdmitsWhatItNamesUntilItExpires() throws Exception {
    String namespace = "exception-batch";
    assertTrue(kubectl.run("create", "namespace", namespace).ok());
    String legacy = deploymentWithoutBudget("legacy-report");
    String other = deploymentWithoutBudget("ehr-api");

    Instant expires = Instant.now().plus(LIFETIME).truncatedTo(ChronoUnit.SECONDS);
    Files.writeString(rules.resolve("exceptions.yaml"), """
        apiVersion: triage.dev/v1alpha1
        kind: Exception
        metadata: {name: legacy-report-batch}
        spec:
          policies:
          - policyName: require-pdb
          match:
            namespaces: [%s]
            kinds: [Deployment]
            names: ["legacy-*"]
          justification: The nightly report batch is retired next month; it may be interrupted meanwhile.
          expires: "%s"
          approvedBy: platform-oncall@example.org
        """.formatted(namespace, expires));

    Kubectl.Result admitted = awaitAdmitted(namespace, legacy, expires);
    assertTrue(admitted.err().contains("Warning: [exception] require-pdb: Deployment legacy-report"), admitted::printed);
    assertTrue(admitted.err().contains("(exception legacy-report-batch until " + expires + ")"), admitted::printed);

    Kubectl.Result notNamed = kubectl.apply(namespace, other);
    assertFalse(notNamed.ok(), "an object the exception does not name is still denied:\n" + notNamed.printed());
    assertTrue(notNamed.err().contains("require-pdb: Deployment ehr-api (3 replicas) has no PodDisruptionBudget"),
        notNamed::printed);

    assertTrue(kubectl.run("delete", "-n", namespace, "deployment/legacy-report").ok());
    Thread.sleep(Math.max(0, Duration.between(Instant.now(), expires).toMillis()) + 1_000);
    Kubectl.Result lapsed = kubectl.apply(namespace, legacy);
    assertFalse(lapsed.ok(), "after its expiry the same apply is denied:\n" + lapsed.printed());
    assertTrue(lapsed.err().contains("require-pdb: Deployment legacy-report (3 replicas) has no PodDisruptionBudget"),
        lapsed::printed);
    assertFalse(lapsed.err().contains("[exception]"), lapsed::printed);
  }

  /** Applies until the reloaded rules admit it; fails if that takes until the exception's expiry. */
  private Kubectl.Result awaitAdmitted(String namespace, String manifest, Instant expires) throws InterruptedException {
    Kubectl.Result last;
    do {
      last = kubectl.apply(namespace, manifest);
      if (last.ok()) {
        assertTrue(Instant.now().isBefore(expires), "admitted only after the expiry: " + last.printed());
        return last;
      }
      Thread.sleep(250);
    } while (Instant.now().isBefore(expires));
    throw new AssertionError("the exception never admitted the Deployment; last apply:\n" + last.printed()
        + "\nTriage's log: " + triage.log);
  }

  /** The EHR API Deployment of the end-to-end manifests, renamed, without its PodDisruptionBudget. */
  private static String deploymentWithoutBudget(String name) {
    return AdmissionScenarios.documents("ehr-api.yaml")[1].replace("name: ehr-api\n", "name: " + name + "\n");
  }

  private static Path copyOfShippedRules(Path target) throws IOException {
    Path shipped = Prerequisites.PROJECT.resolve("rules");
    try (Stream<Path> files = Files.walk(shipped)) {
      for (Path file : files.toList()) {
        Path copy = target.resolve(shipped.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(copy);
        } else {
          Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    return target;
  }
}
