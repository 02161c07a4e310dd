package dev.triage.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The CA and serving certificate roll while {@code kubectl apply} runs in a loop through the
 * real API server, in the order that keeps every handshake trusted: publish old and new CA in
 * both caBundles, swap the serving files under the running Triage, then drop the old CA.
 */
class CertificateRotationIT {
  @Test
  void noApplyFailsWhileTheCaAndServingCertificateRoll() throws Exception {
    KubeApiServer apiServer = KubeApiServer.get();
    Kubectl kubectl = new Kubectl(apiServer);
    WebhookRegistration.grantClusterView(kubectl);
    Path dir = Files.createTempDirectory(apiServer.dir, "rotation");
    Pki first = Pki.in(dir.resolve("ca-0"));
    Path servingDir = Files.createDirectories(dir.resolve("serving"));
    Pki serving = new Pki(first.caCert(), servingDir.resolve("tls.crt"), servingDir.resolve("tls.key"));
    install(first, serving);

    String namespace = "rotation";
    assertTrue(kubectl.run("create", "namespace", namespace).ok());
    String[] documents = AdmissionScenarios.documents("ehr-api.yaml");
    assertTrue(kubectl.apply(namespace, documents[0]).ok());
    try (TriageProcess triage = TriageProcess.launch(apiServer, serving, apiServer.triageKubeconfig,
        "--cert-poll-seconds=1")) {
      triage.awaitReady(serving);
      WebhookRegistration.register(apiServer, kubectl, triage, first);

      AtomicBoolean rolling = new AtomicBoolean(true);
      AtomicInteger applies = new AtomicInteger();
      List<String> failures = new ArrayList<>();
      Thread loop = new Thread(() -> {
        while (rolling.get()) {
          Kubectl.Result result = kubectl.apply(namespace, documents[1], "--dry-run=server", "-o", "json");
          applies.incrementAndGet();
          // The mutating webhook fails open, so its failures show only as missing defaults.
          if (!result.ok() || !result.out().contains(AdmissionScenarios.MESH_LABEL)) {
            synchronized (failures) {
              failures.add(result.printed());
            }
          }
        }
      });
      loop.start();

      Pki current = first;
      for (int roll = 1; roll <= 2; roll++) {
        Pki next = Pki.in(dir.resolve("ca-" + roll));
        publish(kubectl, current, next);
        install(next, serving);
        awaitServedBy(triage.port(), next);
        Thread.sleep(1000);
        publish(kubectl, next);
        Thread.sleep(1000);
        current = next;
      }
      rolling.set(false);
      loop.join();

      System.out.printf("CertificateRotationIT: 2 CA rollovers, %d kubectl applies, %d failed%n", applies.get(),
          failures.size());
      assertEquals(List.of(), failures);
      assertTrue(applies.get() >= 10, "the loop ran through the rollovers: " + applies.get() + " applies");
    } finally {
      kubectl.run("delete", "mutatingwebhookconfiguration/triage", "validatingwebhookconfiguration/triage",
          "--ignore-not-found");
    }
  }

  /** Puts a CA's serving pair where Triage reads it: each file written aside, then moved in. */
  private static void install(Pki from, Pki to) throws Exception {
    for (Path[] pair : new Path[][] {{from.key(), to.key()}, {from.cert(), to.cert()}}) {
      Path staged = pair[1].resolveSibling(pair[1].getFileName() + ".new");
      Files.copy(pair[0], staged, StandardCopyOption.REPLACE_EXISTING);
      Files.move(staged, pair[1], StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
  }

  /** Sets the caBundle of both registrations to the given CAs. */
  private static void publish(Kubectl kubectl, Pki... cas) throws Exception {
    StringBuilder bundle = new StringBuilder();
    for (Pki ca : cas) {
      bundle.append(Files.readString(ca.caCert()));
    }
    String encoded = Base64.getEncoder().encodeToString(bundle.toString().getBytes());
    String patch = "[{\"op\":\"replace\",\"path\":\"/webhooks/0/clientConfig/caBundle\",\"value\":\"" + encoded + "\"}]";
    for (String kind : List.of("mutatingwebhookconfiguration", "validatingwebhookconfiguration")) {
      Kubectl.Result patched = kubectl.run("patch", kind, "triage", "--type=json", "-p", patch);
      assertTrue(patched.ok(), patched::printed);
    }
  }

  /** Waits until a client trusting only {@code ca} completes a handshake with Triage. */
  private static void awaitServedBy(int port, Pki ca) throws Exception {
    Https.awaitOk(Https.trusting(ca.caCert()), Https.get("https://127.0.0.1:" + port + "/healthz"),
        Duration.ofSeconds(30), () -> { }, "Triage never served the new certificate");
  }
}
