package dev.triage.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A directory laid out the way the kubelet mounts a Secret: each file is a symlink through
 * {@code ..data}, which points at a timestamped directory and is replaced by one atomic rename.
 */
final class SecretVolume {
  private final Path dir;
  private final AtomicInteger version = new AtomicInteger();

  SecretVolume(Path dir) {
    this.dir = dir;
  }

  Path file(String name) {
    return dir.resolve(name);
  }

  /** Replaces the whole content at once, as the kubelet does when the Secret changes. */
  void publish(Map<String, byte[]> files) throws IOException {
    Path dataLink = dir.resolve("..data");
    Path previous = Files.isSymbolicLink(dataLink) ? dir.resolve(Files.readSymbolicLink(dataLink)) : null;
    String stamp = "..2030_01_01_00_00_00." + version.incrementAndGet();
    Path data = Files.createDirectory(dir.resolve(stamp));
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      Files.write(data.resolve(file.getKey()), file.getValue());
    }
    Path link = dir.resolve("..data_tmp");
    Files.deleteIfExists(link);
    Files.createSymbolicLink(link, Path.of(stamp));
    Files.move(link, dataLink, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    for (String name : files.keySet()) {
      if (!Files.isSymbolicLink(dir.resolve(name))) {
        Files.createSymbolicLink(dir.resolve(name), Path.of("..data", name));
      }
    }
    if (previous != null) {
      for (Path old : Files.list(previous).toList()) {
        Files.delete(old);
      }
      Files.delete(previous);
    }
  }
}
