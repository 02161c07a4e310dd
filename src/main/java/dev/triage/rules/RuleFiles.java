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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
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
    return read(directory).compile(compiler);
  }

  /** The rule files of a directory as read at one moment, and what could not be listed or read. */
  public record Contents(List<Source> files, List<RuleError> errors) {
    /** One file's path and bytes. */
    public record Source(Path file, byte[] bytes) {}

    /** Parses and compiles these bytes. */
    public RuleSnapshot compile(RuleCompiler compiler) {
      List<SourceDocument> documents = new ArrayList<>();
      List<RuleError> problems = new ArrayList<>(errors);
      for (Source source : files) {
        read(source.file().toString(), source.bytes(), documents, problems);
      }
      return compiler.compile(documents, problems);
    }

    /** A digest of every file's name and bytes and of every problem: equal contents, equal digests. */
    public String fingerprint() {
      MessageDigest digest;
      try {
        digest = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
      for (Source source : files) {
        digest.update(source.file().toString().getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        digest.update(source.bytes());
        digest.update((byte) 0);
      }
      errors.forEach(e -> digest.update(e.toString().getBytes(StandardCharsets.UTF_8)));
      return HexFormat.of().formatHex(digest.digest());
    }
  }

  /** Reads every rule file of a directory (or a single file), through any symlinks. */
  public static Contents read(Path directory) {
    List<RuleError> errors = new ArrayList<>();
    List<Contents.Source> files = new ArrayList<>();
    for (Path file : list(directory, errors)) {
      try {
        files.add(new Contents.Source(file, Files.readAllBytes(file)));
      } catch (IOException e) {
        errors.add(new RuleError(file.toString(), new Position(1, 1), "", "", "cannot read: " + e.getMessage()));
      }
    }
    return new Contents(List.copyOf(files), List.copyOf(errors));
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
