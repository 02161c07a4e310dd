package dev.triage.certs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * A directory holding a CA and a serving certificate under the names a Kubernetes TLS Secret (and
 * cert-manager) uses: {@code ca.crt}, {@code tls.crt}, {@code tls.key}, plus {@code ca.key} for
 * issuing the next serving certificate. Keys are readable by their owner only (0600).
 */
public final class CertificateDirectory {
  public static final String CA_CERT_FILE = "ca.crt";
  public static final String CA_KEY_FILE = "ca.key";
  public static final String CERT_FILE = "tls.crt";
  public static final String KEY_FILE = "tls.key";

  private final Path dir;

  public CertificateDirectory(Path dir) {
    this.dir = dir;
  }

  public Path caCert() {
    return dir.resolve(CA_CERT_FILE);
  }

  public Path caKey() {
    return dir.resolve(CA_KEY_FILE);
  }

  public Path cert() {
    return dir.resolve(CERT_FILE);
  }

  public Path key() {
    return dir.resolve(KEY_FILE);
  }

  /** The files of this directory that exist already. */
  public List<Path> existing() {
    return List.of(caCert(), caKey(), cert(), key()).stream().filter(Files::exists).toList();
  }

  /**
   * Writes the CA and the serving certificate, replacing any files of the same names. Creates the
   * directory (0700) if needed.
   */
  public void write(CertificateAuthority ca, ServingCertificate serving) throws IOException {
    createDirectory();
    // Keys first: if this is interrupted, a reader finds certificates that do not match their keys
    // and refuses them, rather than serving a half-replaced set.
    PemFiles.writePrivateKey(caKey(), ca.privateKey());
    PemFiles.writeCertificates(caCert(), List.of(ca.certificate()));
    PemFiles.writePrivateKey(key(), serving.privateKey());
    // Only the serving certificate: clients already hold the CA, which they must trust anyway.
    PemFiles.writeCertificates(cert(), List.of(serving.certificate()));
  }

  private void createDirectory() throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    // The directory holds private keys, so keep others out of it from the start.
    if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.createDirectories(dir,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } else {
      Files.createDirectories(dir);
    }
  }

  @Override
  public String toString() {
    return dir.toString();
  }
}
