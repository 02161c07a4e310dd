package dev.triage.server;

import dev.triage.certs.PemFiles;
import dev.triage.certs.ServingCertificate;
import dev.triage.certs.TlsMaterialException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Serves the certificate and key in two PEM files (for example a cert-manager Secret mounted as a
 * volume) and follows them when they change.
 *
 * <p>The files are polled rather than watched with inotify: a Secret volume replaces its content by
 * renaming a {@code ..data} symlink to a new timestamped directory, which a watch on the file names
 * does not see, and polling a few hundred bytes costs nothing. A pair that cannot be used — half
 * written, not PEM, a key from another certificate, outside its validity — is refused with a log
 * line naming the file and what is wrong, and the certificate already served stays in place.
 */
public final class CertificateFileWatcher implements AutoCloseable {
  // A symlink swap between reading the certificate and the key is detected and the read repeated.
  private static final int CONSISTENT_READ_ATTEMPTS = 5;

  private final Path cert;
  private final Path key;
  private final Optional<Path> ca;
  private final ServingTls tls;
  private final Clock clock;
  private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "triage-certificate-files");
    thread.setDaemon(true);
    return thread;
  });
  private byte[] lastSeen = new byte[0];

  /**
   * @param ca the CA file clients are given (cert-manager's {@code ca.crt}), used to report the CA's
   *     expiry; optional
   */
  public CertificateFileWatcher(Path cert, Path key, Optional<Path> ca, ServingTls tls, Clock clock) {
    this.cert = cert;
    this.key = key;
    this.ca = ca;
    this.tls = tls;
    this.clock = clock;
  }

  /** The pair as the files hold it now, checked; throws with the reason when it cannot be served. */
  public ServingCertificate read() throws IOException {
    return parse(readConsistently()).serving();
  }

  /**
   * Serves the files' content if it changed since the last call. Returns whether a new certificate
   * is now served; on failure the reason is logged and the old certificate stays.
   */
  public synchronized boolean reload() {
    Snapshot snapshot;
    try {
      snapshot = readConsistently();
    } catch (IOException e) {
      String reason = e instanceof NoSuchFileException missing
          ? missing.getFile() + ": no such file" : "cannot read: " + e;
      byte[] fingerprint = fingerprint(reason.getBytes());
      if (!Arrays.equals(fingerprint, lastSeen)) {
        lastSeen = fingerprint;
        tls.refused(cert.toString(), reason);
      }
      return false;
    }
    if (Arrays.equals(snapshot.fingerprint(), lastSeen)) {
      return false;
    }
    // Each distinct content is judged once, so a bad pair is logged once rather than every poll.
    lastSeen = snapshot.fingerprint();
    Parsed parsed;
    try {
      parsed = parse(snapshot);
    } catch (TlsMaterialException e) {
      tls.refused(cert.toString(), e.getMessage());
      return false;
    }
    try {
      tls.use(cert.toString(), parsed.serving(), parsed.cas()).await(30, TimeUnit.SECONDS);
      return true;
    } catch (Exception e) {
      return false; // ServingTls has logged why
    }
  }

  /** Checks the files every {@code interval} from now on. */
  public void start(Duration interval) {
    poller.scheduleWithFixedDelay(this::reload, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    poller.shutdownNow();
  }

  private record Snapshot(byte[] cert, byte[] key, byte[] ca, byte[] fingerprint) {}

  private record Parsed(ServingCertificate serving, List<X509Certificate> cas) {}

  private Parsed parse(Snapshot snapshot) {
    ServingCertificate serving = PemFiles.servingPair(cert.toString(), snapshot.cert(), key.toString(),
        snapshot.key(), clock.instant());
    List<X509Certificate> cas = ca.isPresent() ? PemFiles.parseCertificates(ca.get().toString(), snapshot.ca())
        : List.of();
    return new Parsed(serving, cas);
  }

  private Snapshot readConsistently() throws IOException {
    for (int attempt = 1; ; attempt++) {
      List<Path> before;
      byte[] certBytes;
      byte[] keyBytes;
      byte[] caBytes;
      try {
        before = realPaths();
        certBytes = Files.readAllBytes(cert);
        keyBytes = Files.readAllBytes(key);
        caBytes = ca.isPresent() ? Files.readAllBytes(ca.get()) : new byte[0];
      } catch (NoSuchFileException e) {
        // The kubelet deletes the old data directory right after the swap, perhaps mid-read.
        if (attempt < CONSISTENT_READ_ATTEMPTS) {
          continue;
        }
        throw e;
      }
      if (before.equals(realPaths()) || attempt == CONSISTENT_READ_ATTEMPTS) {
        return new Snapshot(certBytes, keyBytes, caBytes, fingerprint(certBytes, keyBytes, caBytes));
      }
    }
  }

  private List<Path> realPaths() throws IOException {
    List<Path> paths = new ArrayList<>(List.of(cert.toRealPath(), key.toRealPath()));
    if (ca.isPresent()) {
      paths.add(ca.get().toRealPath());
    }
    return paths;
  }

  private static byte[] fingerprint(byte[]... parts) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (byte[] part : parts) {
        digest.update(Integer.toString(part.length).getBytes());
        digest.update(part);
      }
      return digest.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("This Java runtime lacks SHA-256", e);
    }
  }
}
