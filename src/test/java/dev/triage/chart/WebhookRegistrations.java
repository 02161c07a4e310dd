package dev.triage.chart;

import dev.triage.yaml.YamlReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The one webhook of a rendered (or webhook/'s) Mutating- or ValidatingWebhookConfiguration. */
final class WebhookRegistrations {
  private WebhookRegistrations() {}

  /** A webhook entry, with a way to read nested fields. */
  record Webhook(Map<String, Object> fields) {
    Object path(String... keys) {
      Object at = fields;
      for (String key : keys) {
        at = at instanceof Map<?, ?> map ? map.get(key) : null;
      }
      return at;
    }

    /** A deep copy without the given top-level fields and clientConfig fields. */
    Map<String, Object> without(List<String> topLevel, List<String> clientConfig) {
      Map<String, Object> copy = new LinkedHashMap<>(fields);
      topLevel.forEach(copy::remove);
      Map<String, Object> client = new LinkedHashMap<>(castMap(copy.get("clientConfig")));
      clientConfig.forEach(client::remove);
      copy.put("clientConfig", client);
      return copy;
    }
  }

  static Webhook webhook(List<Map<String, Object>> objects, String kind) {
    Map<String, Object> configuration = HelmChart.get(objects, kind, "triage");
    List<?> webhooks = (List<?>) configuration.get("webhooks");
    if (webhooks.size() != 1) {
      throw new AssertionError(kind + " has " + webhooks.size() + " webhooks, expected one");
    }
    return new Webhook(castMap(webhooks.get(0)));
  }

  static Map<String, Object> annotations(List<Map<String, Object>> objects, String kind) {
    Map<String, Object> metadata = castMap(HelmChart.get(objects, kind, "triage").get("metadata"));
    return metadata.get("annotations") == null ? Map.of() : castMap(metadata.get("annotations"));
  }

  /** webhook/'s own registration (the kustomize base). */
  static Webhook fromWebhookDirectory(String file, String kind) throws Exception {
    Path path = Path.of("webhook", file);
    return webhook(List.of(YamlReader.read(path.toString(), Files.readString(path)).get(0).content()), kind);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Object value) {
    return (Map<String, Object>) value;
  }
}
