package dev.triage.cluster;

import dev.triage.admission.JsonValues;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Objects read from the API server, as rules see every object: the maps, lists, longs and strings of their JSON. */
public final class PlainObjects {
  private PlainObjects() {}

  public static Map<String, Object> of(KubernetesClient client, GenericKubernetesResource resource) {
    String json = client.getKubernetesSerialization().asJson(resource);
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> map = (Map<String, Object>) JsonValues.read(json.getBytes(StandardCharsets.UTF_8));
      return map;
    } catch (IOException e) {
      throw new IllegalStateException("the API server sent an object that is not JSON", e);
    }
  }
}
