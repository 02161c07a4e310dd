package dev.triage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.triage.certs.rotation.MutableClock;
import dev.triage.exceptions.Expiry;
import dev.triage.exceptions.PolicyExceptions;
import dev.triage.rules.CelEnvironment;
import dev.triage.rules.RuleCompiler;
import dev.triage.rules.RuleSnapshot;
import dev.triage.yaml.YamlReader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code triage_exception_expiry_seconds{exception}}: what an alert on lapsing exceptions reads. */
class ExceptionExpiryMetricsTest {
  private static final Instant NOW = Instant.parse("2026-12-05T00:00:00Z");

  private static PolicyExceptions exceptions(MutableClock clock, String... names) throws Exception {
    StringBuilder yaml = new StringBuilder("""
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicy
        metadata: {name: require-pdb}
        spec:
          validations: [{expression: "true"}]
        """);
    for (String name : names) {
      yaml.append("""
          ---
          apiVersion: triage.dev/v1alpha1
          kind: Exception
          metadata: {name: %s}
          spec:
            policies: [{policyName: require-pdb}]
            match: {namespaces: [batch]}
            justification: a batch job with one replica
            expires: 2026-12-15
          """.formatted(name));
    }
    RuleSnapshot rules = new RuleCompiler(new CelEnvironment(), clock)
        .compile(YamlReader.read("rules.yaml", yaml.toString()), new ArrayList<>());
    assertEquals(List.of(), rules.errors());
    return rules.exceptions();
  }

  @Test
  void eachExceptionIsGaugedCountingDownWithoutAReloadAndDropsOutWhenRemoved() throws Exception {
    MutableClock clock = new MutableClock(NOW);
    Metrics metrics = new Metrics();
    Expiry expiry = new Expiry(clock);
    metrics.exceptionsLoaded(exceptions(clock, "batch-one", "batch-two"), expiry);
    for (int i = 0; i < 3; i++) {
      System.gc(); // the rows must outlive a collection: only the registry refers to them
    }
    String scrape = metrics.scrape();
    assertEquals(10 * 86_400.0, MetricsTest.sample(scrape, "triage_exception_expiry_seconds",
        Map.of("exception", "batch-one")), scrape);

    clock.advance(Duration.ofDays(11));
    scrape = metrics.scrape();
    assertEquals(-86_400.0, MetricsTest.sample(scrape, "triage_exception_expiry_seconds",
        Map.of("exception", "batch-two")), scrape);

    metrics.exceptionsLoaded(exceptions(new MutableClock(NOW), "batch-two"), expiry);
    scrape = metrics.scrape();
    assertFalse(scrape.contains("exception=\"batch-one\""), scrape);
  }
}
