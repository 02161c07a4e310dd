package dev.triage.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The chart registers the same two webhooks as webhook/ (the kustomize base): same objects,
 * operations, namespaceSelector, failure policies and timeouts, apart from what values change.
 */
class WebhookRegistrationsTest {
  /** Fields the chart's values control; everything else must be equal. */
  private static final List<String> VALUES_FIELDS = List.of("failurePolicy", "timeoutSeconds", "namespaceSelector");
  private static final List<String> CERTIFICATE_FIELDS = List.of("caBundle");

  @Test
  void withDefaultValuesTheRegistrationsAreWebhooksOwn() throws Exception {
    List<Map<String, Object>> rendered = HelmChart.withDefaults().objects();
    for (String[] registration : new String[][] {
        {"mutating-webhook.yaml", "MutatingWebhookConfiguration"},
        {"validating-webhook.yaml", "ValidatingWebhookConfiguration"}}) {
      var base = WebhookRegistrations.fromWebhookDirectory(registration[0], registration[1]);
      var chart = WebhookRegistrations.webhook(rendered, registration[1]);
      assertEquals(base.without(List.of(), CERTIFICATE_FIELDS), chart.without(List.of(), CERTIFICATE_FIELDS),
          registration[1]);
    }
  }

  @Test
  void valuesChangeOnlyTheirOwnFields() throws Exception {
    List<Map<String, Object>> rendered = HelmChart.withDefaults()
        .set("webhook.failurePolicy.validate", "Ignore")
        .set("webhook.failurePolicy.mutate", "Fail")
        .set("webhook.timeoutSeconds.validate", 10)
        .set("webhook.timeoutSeconds.mutate", 2)
        .set("webhook.excludedNamespaces[0]", "research-sandbox")
        .objects();
    var validate = WebhookRegistrations.webhook(rendered, "ValidatingWebhookConfiguration");
    var mutate = WebhookRegistrations.webhook(rendered, "MutatingWebhookConfiguration");
    assertEquals("Ignore", validate.path("failurePolicy"));
    assertEquals("Fail", mutate.path("failurePolicy"));
    assertEquals(10L, validate.path("timeoutSeconds"));
    assertEquals(2L, mutate.path("timeoutSeconds"));
    List<?> expressions = (List<?>) validate.path("namespaceSelector", "matchExpressions");
    assertEquals(List.of("kube-system", "kube-public", "kube-node-lease", "triage-system", "research-sandbox"),
        ((Map<?, ?>) expressions.get(0)).get("values"));
    assertEquals(WebhookRegistrations.fromWebhookDirectory("validating-webhook.yaml", "ValidatingWebhookConfiguration")
        .without(VALUES_FIELDS, CERTIFICATE_FIELDS), validate.without(VALUES_FIELDS, CERTIFICATE_FIELDS));
    assertEquals(WebhookRegistrations.fromWebhookDirectory("mutating-webhook.yaml", "MutatingWebhookConfiguration")
        .without(VALUES_FIELDS, CERTIFICATE_FIELDS), mutate.without(VALUES_FIELDS, CERTIFICATE_FIELDS));
  }
}
