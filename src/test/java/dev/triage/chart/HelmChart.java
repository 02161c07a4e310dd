package dev.triage.chart;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import dev.triage.yaml.SourceDocument;
import dev.triage.yaml.YamlException;
import dev.triage.yaml.YamlReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** charts/triage rendered by Helm itself (helm-java embeds it), offline, as `helm template` would. */
public final class HelmChart {
  public static final Path DIR = Path.of("charts/triage");
  static final String RELEASE = "triage";
  public static final String NAMESPACE = "triage-system";

  private final Map<String, Object> sets = new LinkedHashMap<>();
  private String kubeVersion;

  public static HelmChart withDefaults() {
    return new HelmChart();
  }

  /** {@code --set key=value}. */
  public HelmChart set(String key, Object value) {
    sets.put(key, value);
    return this;
  }

  /** {@code --kube-version}: the version .Capabilities reports. */
  public HelmChart kubeVersion(String version) {
    this.kubeVersion = version;
    return this;
  }

  /** The rendered manifests, as `helm template triage charts/triage -n triage-system` prints them. */
  public String yaml() {
    TemplateCommand template = new Helm(DIR).template().withName(RELEASE).withNamespace(NAMESPACE);
    if (kubeVersion != null) {
      template.withKubeVersion(kubeVersion);
    }
    sets.forEach(template::set);
    return template.call();
  }

  /** The rendered objects, in order. */
  public List<Map<String, Object>> objects() throws YamlException {
    List<Map<String, Object>> objects = new ArrayList<>();
    for (SourceDocument document : YamlReader.read("helm template", yaml())) {
      if (!document.kind().isEmpty()) {
        objects.add(document.content());
      }
    }
    return objects;
  }

  static Optional<Map<String, Object>> find(List<Map<String, Object>> objects, String kind, String name) {
    return objects.stream()
        .filter(o -> kind.equals(o.get("kind")))
        .filter(o -> o.get("metadata") instanceof Map<?, ?> m && name.equals(m.get("name")))
        .findFirst();
  }

  static Map<String, Object> get(List<Map<String, Object>> objects, String kind, String name) {
    return find(objects, kind, name).orElseThrow(() -> new AssertionError("helm template rendered no " + kind + " "
        + name));
  }
}
