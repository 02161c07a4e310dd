package dev.triage.cli;

import dev.triage.offline.ManifestCheck;
import dev.triage.rules.RuleError;
import dev.triage.rules.RuleFiles;
import dev.triage.rules.RuleSnapshot;
import dev.triage.rules.mutation.JsonTree;
import dev.triage.yaml.SourceDocument;
import dev.triage.yaml.YamlException;
import dev.triage.yaml.YamlReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code triage check <files|dirs|->}: what admission would do to these manifests. */
@Command(name = "check", description = {
    "Evaluate manifests as kubectl apply or an Argo CD sync would present them: mutate, then validate.",
    "PodDisruptionBudgets and Namespaces among them form the cluster view. Exit code 1 if anything is denied."})
final class CheckCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", description = "YAML files, directories, or - for standard input (e.g. helm template output)")
  List<String> inputs;

  @Option(names = "--rules", defaultValue = "rules", description = "rules directory (default: ${DEFAULT-VALUE})")
  Path rules;

  @Option(names = {"-n", "--namespace"}, defaultValue = "default",
      description = "namespace for objects that name none (default: ${DEFAULT-VALUE})")
  String namespace;

  @Option(names = "--diff", description = "print the changes mutation makes, as JSON patch operations")
  boolean diff;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    RuleSnapshot snapshot = RuleDirectory.load(rules, err);
    List<Map<String, Object>> objects = new ArrayList<>();
    try {
      for (String input : inputs) {
        read(input, objects);
      }
    } catch (YamlException e) {
      err.println(e.getMessage());
      return 2;
    } catch (IOException e) {
      err.println("cannot read: " + e.getMessage());
      return 2;
    }
    int denied = 0;
    for (ManifestCheck.Result result : ManifestCheck.run(snapshot, objects, namespace)) {
      var admission = result.admission();
      String verdict = switch (admission.verdict()) {
        case "deny" -> "DENIED ";
        case "warn" -> "WARNED ";
        default -> "ALLOWED";
      };
      denied += admission.verdict().equals("deny") ? 1 : 0;
      out.println(verdict + " " + result.describe());
      for (String reason : admission.denials()) {
        out.println("        denied: " + reason);
      }
      for (String warning : admission.mutation().warnings()) {
        out.println("        warning: " + warning);
      }
      for (String warning : admission.validation().warnings()) {
        out.println("        warning: " + warning);
      }
      if (diff && admission.mutation().patch() != null) {
        out.println("        patch: " + new String(admission.mutation().patch(), StandardCharsets.UTF_8));
      }
    }
    out.printf("%d objects, %d denied%n", objects.size(), denied);
    return denied > 0 ? 1 : snapshot.errors().isEmpty() ? 0 : 2;
  }

  @SuppressWarnings("unchecked")
  private void read(String input, List<Map<String, Object>> objects) throws IOException, YamlException {
    List<SourceDocument> documents = new ArrayList<>();
    if (input.equals("-")) {
      documents.addAll(YamlReader.read("<stdin>", new String(System.in.readAllBytes(), StandardCharsets.UTF_8)));
    } else {
      Path path = Path.of(input);
      List<RuleError> problems = new ArrayList<>();
      for (Path file : RuleFiles.list(path, problems)) {
        documents.addAll(YamlReader.read(file.toString(), Files.readString(file)));
      }
      if (!problems.isEmpty()) {
        throw new IOException(problems.get(0).toString());
      }
    }
    for (SourceDocument document : documents) {
      if (document.kind().equals("List") && document.content().get("items") instanceof List<?> items) {
        items.forEach(item -> objects.add((Map<String, Object>) JsonTree.copy(item)));
      } else if (!document.kind().isEmpty()) {
        objects.add(document.content());
      }
    }
  }
}
