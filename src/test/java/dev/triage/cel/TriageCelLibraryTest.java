package dev.triage.cel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cel.common.values.NullValue;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TriageCelLibraryTest {
  private static final Map<String, Object> DEPLOYMENT = Map.of("kind", "Deployment",
      "spec", Map.of("template", Map.of("metadata", Map.of("labels", Map.of("app", "ehr")))));
  private static final Map<String, Object> CRONJOB = Map.of("kind", "CronJob",
      "spec", Map.of("jobTemplate", Map.of("spec", Map.of("template", Map.of("spec", Map.of())))));

  @Test
  void findsThePodTemplateOfEveryPodBearingKind() {
    assertEquals("/spec/template", TriageCelLibrary.podTemplatePath(DEPLOYMENT));
    assertEquals("/spec/jobTemplate/spec/template", TriageCelLibrary.podTemplatePath(CRONJOB));
    assertEquals("", TriageCelLibrary.podTemplatePath(Map.of("kind", "Pod")));
    assertEquals(Map.of("metadata", Map.of("labels", Map.of("app", "ehr"))), TriageCelLibrary.podTemplate(DEPLOYMENT));
    Map<String, Object> pod = Map.of("kind", "Pod", "spec", Map.of());
    assertEquals(pod, TriageCelLibrary.podTemplate(pod));
    assertEquals(NullValue.NULL_VALUE, TriageCelLibrary.podTemplate(Map.of("kind", "ConfigMap")));
    for (String kind : TriageCelLibrary.POD_BEARING_KINDS) {
      assertTrue(kind.equals("Pod") || !TriageCelLibrary.podTemplatePath(Map.of("kind", kind)).isEmpty(), kind);
    }
  }

  @Test
  void aMissingSelectorSelectsNothingAndAnEmptyOneEverything() {
    Map<String, String> labels = Map.of("app", "ehr");
    assertFalse(TriageCelLibrary.selectorMatches(NullValue.NULL_VALUE, labels));
    assertFalse(TriageCelLibrary.selectorMatches(Optional.empty(), labels));
    assertTrue(TriageCelLibrary.selectorMatches(Map.of(), labels));
    assertTrue(TriageCelLibrary.selectorMatches(Optional.of(Map.of("matchLabels", labels)), labels));
    assertFalse(TriageCelLibrary.selectorMatches(Map.of("matchExpressions",
        List.of(Map.of("key", "app", "operator", "NotIn", "values", List.of("ehr")))), labels));
  }
}
