package dev.triage.rules;

import dev.triage.yaml.Position;
import dev.triage.yaml.SourceDocument;
import dev.triage.yaml.YamlException;
import dev.triage.yaml.YamlReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads a rules directory: every {@code *.yaml} / {@code *.yml} below it, in path order, except
 * the {@code tests/} folders (rule test cases live there) and hidden entries (such as the
 * {@code ..data} folders of a mounted ConfigMap, which the visible links already point into).
 */
public final class RuleFiles {
  private RuleFiles() {}

  public static RuleSnapshot load(Path directory, RuleCompiler compiler) {
    List<SourceDocument> documents = new ArrayList<>();
    List<RuleError> errors = new ArrayList<>();
    for (Path file : list(directory, errors)) {
      try {
        read(file.toString(), Files.readAllBytes(file), documents, errors);
      } catch (IOException e) {
        errors.add(new RuleError(file.toString(), new Position(1, 1), "", "", "cannot read: " + e.getMessage()));
      }
    }
    return compiler.compile(documents, errors);
  }

  /** Reads the documents of one file's bytes, or records why they cannot be read. */
  static void read(String name, byte[] bytes, List<SourceDocument> documents, List<RuleError> errors) {
    try {
      String text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
      documents.addAll(YamlReader.read(name, text));
    } catch (YamlException e) {
      errors.add(new RuleError(e.file(), e.position(), "", "", e.problem()));
    } catch (CharacterCodingException e) {
      errors.add(new RuleError(name, new Position(1, 1), "", "", "file is not valid UTF-8"));
    }
  }

  /** The YAML files a directory (or a single file) holds, in a stable order. */
  public static List<Path> list(Path root, List<RuleError> errors) {
    if (Files.isRegularFile(root)) {
      return List.of(root);
    }
    if (!Files.isDirectory(root)) {
      errors.add(new RuleError(root.toString(), new Position(1, 1), "", "", "no such directory"));
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(root, java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
      return walk.filter(p -> !root.relativize(p).toString().isEmpty())
          .filter(p -> visible(root.relativize(p)))
          .filter(Files::isRegularFile)
          .filter(p -> p.getFileName().toString().endsWith(".yaml") || p.getFileName().toString().endsWith(".yml"))
          .sorted()
          .toList();
    } catch (IOException | java.io.UncheckedIOException e) {
      errors.add(new RuleError(root.toString(), new Position(1, 1), "", "", "cannot list: " + e.getMessage()));
      return List.of();
    }
  }

  private static boolean visible(Path relative) {
    for (Path part : relative) {
      String name = part.toString();
      if (name.startsWith(".") || name.equals("tests")) {
        return false;
      }
    }
    return true;
  }
}
